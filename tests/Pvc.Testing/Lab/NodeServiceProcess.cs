using System.Diagnostics;

namespace Pvc.Testing.Lab;

/// <summary>One real pvcnoded process (the built service), with its own config and libvirt test-driver host.</summary>
public sealed class NodeServiceProcess : IDisposable
{
    private Process? _process;

    /// <summary>A node service to be started from <paramref name="executable"/> with <paramref name="configPath"/>.</summary>
    public NodeServiceProcess(string executable, string name, string configPath, string logPath)
    {
        Executable = executable;
        Name = name;
        ConfigPath = configPath;
        LogPath = logPath;
    }

    /// <summary>The pvcnoded executable.</summary>
    public string Executable { get; }

    /// <summary>The node's name.</summary>
    public string Name { get; }

    /// <summary>Its configuration file.</summary>
    public string ConfigPath { get; }

    /// <summary>Its output.</summary>
    public string LogPath { get; }

    /// <summary>
    /// Runs the service in a session of its own (setsid), out of reach of the signals a terminal sends its foreground
    /// processes: the sandbox's, where Ctrl+C in pwsh must not stop the cluster. Off for tests, whose Ctrl+C stops it.
    /// </summary>
    public bool OwnSession { get; init; }

    /// <summary>Environment variables the process starts with, beside this one's (systemd's WATCHDOG_USEC, ...).</summary>
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The exit code once the process has ended, else null.</summary>
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>The process id while it runs.</summary>
    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>True when the process was started and has ended (by itself or stopped).</summary>
    public bool HasExited => _process is { HasExited: true } && !_stopped;

    private bool _stopped;

    /// <summary>Starts the process.</summary>
    public void Start()
    {
        var exe = Executable;
        var psi = new ProcessStartInfo("/bin/sh")
        {
            // the service's output goes to a log file; exec keeps the PID the service's own
            // setsid does not fork here (sh is no process group leader): the PID stays the service's
            ArgumentList = { "-c", $"exec {(OwnSession ? "setsid " : "")}'{exe}' --config '{ConfigPath}' >>'{LogPath}' 2>&1" },
            UseShellExecute = false,
        };
        foreach (var (name, value) in Environment)
            psi.Environment[name] = value;
        _process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start pvcnoded.");
    }

    /// <summary>Waits for the process to end by itself; false when it still runs after <paramref name="timeout"/>.</summary>
    public bool WaitForExit(TimeSpan timeout) => _process is not null && _process.WaitForExit(timeout);

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

    /// <summary>The process is about to be killed from elsewhere (a BMC's power-off): its end is no failure.</summary>
    public void ExpectDown() => _stopped = true;

    /// <summary>A hung service (SIGSTOP): it does nothing until <see cref="Thaw"/>; what it started runs on.</summary>
    public void Freeze() => Signal("STOP");

    /// <summary>The hung service runs again (SIGCONT).</summary>
    public void Thaw() => Signal("CONT");

    private void Signal(string signal)
    {
        if (_process is not { HasExited: false } p)
            return;
        using var kill = Process.Start("kill", [$"-{signal}", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
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

    /// <summary>The last lines of its output.</summary>
    public string Log() => File.Exists(LogPath) ? string.Join('\n', File.ReadLines(LogPath).TakeLast(40)) : "(no log)";

    /// <summary>Kills the process; a second call does nothing (a lab and the test that shares its nodes may both dispose it).</summary>
    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        _process = null;
    }
}
