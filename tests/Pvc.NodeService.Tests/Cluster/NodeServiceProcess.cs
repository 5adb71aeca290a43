using System.Diagnostics;

namespace Pvc.NodeService.Tests.Cluster;

/// <summary>One real pvcnoded process (the built service), with its own config and libvirt test-driver host.</summary>
internal sealed class NodeServiceProcess : IDisposable
{
    private Process? _process;

    public NodeServiceProcess(string name, string configPath, string logPath)
    {
        Name = name;
        ConfigPath = configPath;
        LogPath = logPath;
    }

    public string Name { get; }

    public string ConfigPath { get; }

    public string LogPath { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>True when the process was started and has ended (by itself or stopped).</summary>
    public bool HasExited => _process is { HasExited: true } && !_stopped;

    private bool _stopped;

    public void Start()
    {
        var exe = Path.Combine(AppContext.BaseDirectory, "pvcnoded");
        var psi = new ProcessStartInfo("/bin/sh")
        {
            // the service's output goes to a log file; exec keeps the PID the service's own
            ArgumentList = { "-c", $"exec '{exe}' --config '{ConfigPath}' >>'{LogPath}' 2>&1" },
            UseShellExecute = false,
        };
        _process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start pvcnoded.");
    }

    /// <summary>A clean stop (SIGTERM, as systemd sends), waiting for the process to end.</summary>
    public void Stop(TimeSpan? timeout = null)
    {
        _stopped = true;
        if (_process is not { HasExited: false } p)
            return;
        using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            kill.WaitForExit();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
            throw new TimeoutException($"pvcnoded {Name} did not stop within the timeout; log:\n{Log()}");
    }

    /// <summary>A crash (SIGKILL).</summary>
    public void Kill()
    {
        _stopped = true;
        if (_process is { HasExited: false } p)
        {
            p.Kill();
            p.WaitForExit();
        }
    }

    public string Log() => File.Exists(LogPath) ? string.Join('\n', File.ReadLines(LogPath).TakeLast(40)) : "(no log)";

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
    }
}
