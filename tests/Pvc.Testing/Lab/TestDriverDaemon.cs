using System.Diagnostics;
using System.Net.Sockets;

namespace Pvc.Testing.Lab;

/// <summary>
/// A hypervisor host of its own: a libvirtd process serving libvirt's test driver (<c>test:///default</c>, shared by
/// every connection to that daemon) on a private UNIX socket. Unlike <c>test:///path.xml</c> opened inside the node
/// service, its VMs live apart from the node service, as QEMU's do: the service can hang or die while they run, and
/// anyone (a test's invariant checker) can look at them. It loads no other driver.
/// </summary>
/// <remarks>
/// libvirt frees <c>test:///default</c> when its last connection closes and starts the next one from the driver's
/// sample state, so a host would forget its VMs whenever no node service is connected. An interactive virsh stays
/// connected for the daemon's life to keep the state, as a real host keeps its VMs.
/// </remarks>
public sealed class TestDriverDaemon : IDisposable
{
    private Process _process;
    private Process? _pin;
    private bool _disposed;

    private TestDriverDaemon(string directory, Process process)
    {
        Directory_ = directory;
        _process = process;
    }

    private string Directory_ { get; }

    /// <summary>The libvirt URI of this host.</summary>
    public string Uri => $"test+unix:///default?socket={Directory_}/libvirt-sock";

    /// <summary>The daemon's process id.</summary>
    public int Pid => _process.Id;

    /// <summary>
    /// True while the daemon runs; false once disposed, and between the two processes of <see cref="RestartAsync"/>.
    /// Watchers poll it from threads of their own (SingleRunInvariant), where a throw would crash the test host.
    /// </summary>
    public bool IsRunning
    {
        get
        {
            var process = _process;
            try
            {
                return !_disposed && !process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return false; // disposed meanwhile: no process is associated with it any more
            }
        }
    }

    /// <summary>Starts a daemon in <paramref name="directory"/> and waits until it answers; removes the driver's sample domain.</summary>
    public static async Task<TestDriverDaemon> StartAsync(string directory, CancellationToken cancellationToken = default)
    {
        var daemon = Launch(directory);
        await daemon.WaitReadyAsync(cancellationToken);
        return daemon;
    }

    /// <summary>
    /// libvirtd restarted (an upgrade, a crash and systemd's restart): killed, then started again on the same socket.
    /// The test driver's domains go with it (QEMU guests would run on); connections to the old daemon are dead.
    /// <see cref="Pid"/> is the new daemon's.
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        Kill();
        _process.Dispose();
        _pin?.Dispose();
        _process = StartProcess(Directory_);
        await WaitReadyAsync(cancellationToken);
    }

    /// <summary>
    /// Starts the daemon's process in <paramref name="directory"/> without waiting for it (its <see cref="Pid"/> is known
    /// at once, so that whatever must be able to kill it, a BMC, learns it before the daemon does anything), possibly
    /// again after an earlier daemon there died (same socket, same URI); then <see cref="WaitReadyAsync"/>.
    /// </summary>
    public static TestDriverDaemon Launch(string directory) => new(directory, StartProcess(directory));

    private static Process StartProcess(string directory)
    {
        Directory.CreateDirectory(directory);
        var config = Path.Combine(directory, "libvirtd.conf");
        File.WriteAllText(config, $"""
            unix_sock_dir = "{directory}"
            unix_sock_rw_perms = "0700"
            auth_unix_rw = "none"
            auth_unix_ro = "none"
            listen_tcp = 0
            listen_tls = 0
            """);
        var psi = new ProcessStartInfo("/bin/sh")
        {
            // exec keeps the PID libvirtd's own, so that a BMC's power-off can kill it
            ArgumentList = { "-c", $"exec /usr/sbin/libvirtd --config '{config}' --pid-file '{directory}/libvirtd.pid' >'{directory}/libvirtd.log' 2>&1" },
            UseShellExecute = false,
        };
        // no driver modules: only the test driver built into libvirt.so, so no QEMU probing and no shared state dirs
        psi.Environment["LIBVIRT_DRIVER_DIR"] = Path.Combine(directory, "no-drivers");
        return Process.Start(psi) ?? throw new InvalidOperationException("Could not start libvirtd (is the libvirt-daemon package installed?).");
    }

    /// <summary>Waits until a <see cref="Launch"/>ed daemon answers and removes the driver's sample domain; disposes it on failure.</summary>
    public async Task WaitReadyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await WaitAnsweringAsync(TimeSpan.FromSeconds(20), cancellationToken);
            await PinAsync(cancellationToken);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Completes when the daemon's process has ended (killed by a test or a BMC, or crashed).</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken = default) => _process.WaitForExitAsync(cancellationToken);

    private async Task WaitAnsweringAsync(TimeSpan deadline, CancellationToken cancellationToken)
    {
        var socket = Path.Combine(Directory_, "libvirt-sock");
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"libvirtd exited while starting: {Log()}");
            if (File.Exists(socket))
            {
                try
                {
                    using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await probe.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken);
                    return;
                }
                catch (SocketException)
                {
                }
            }
            if (clock.Elapsed > deadline)
                throw new TimeoutException($"libvirtd did not open {socket} within {deadline}: {Log()}");
            await Task.Delay(25, cancellationToken);
        }
    }

    /// <summary>Connects the pinning virsh and, through it, removes the driver's sample domain "test".</summary>
    private async Task PinAsync(CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo("virsh") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Uri);
        _pin = Process.Start(psi) ?? throw new InvalidOperationException("Could not start virsh.");
        await _pin.StandardInput.WriteLineAsync("destroy test");
        await _pin.StandardInput.WriteLineAsync("undefine test");
        await _pin.StandardInput.FlushAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(20));
        var output = new System.Text.StringBuilder();
        while (!output.ToString().Contains("has been undefined", StringComparison.Ordinal))
        {
            var line = await _pin.StandardOutput.ReadLineAsync(deadline.Token)
                ?? throw new InvalidOperationException($"virsh on {Uri} ended: {output}{await _pin.StandardError.ReadToEndAsync(cancellationToken)}");
            output.AppendLine(line);
        }
    }

    /// <summary>Runs virsh against this host; returns its output (throws when it fails).</summary>
    public async Task<string> VirshAsync(IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        var psi = new ProcessStartInfo("virsh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Uri);
        foreach (var a in arguments)
            psi.ArgumentList.Add(a);
        using var virsh = Process.Start(psi) ?? throw new InvalidOperationException("Could not start virsh.");
        var output = await virsh.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = await virsh.StandardError.ReadToEndAsync(cancellationToken);
        await virsh.WaitForExitAsync(cancellationToken);
        return virsh.ExitCode == 0 ? output : throw new InvalidOperationException($"virsh {string.Join(' ', psi.ArgumentList)}: {error}");
    }

    /// <summary>The daemon's own output.</summary>
    public string Log()
    {
        var log = Path.Combine(Directory_, "libvirtd.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "(no log)";
    }

    /// <summary>A host crash: SIGKILL (its VMs are gone with it).</summary>
    public void Kill()
    {
        if (_disposed)
            return;
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
        if (_pin is { HasExited: false })
        {
            _pin.Kill();
            _pin.WaitForExit();
        }
    }

    /// <summary>Kills the daemon; a second call does nothing (a lab and the test that shares its hosts may both dispose it).</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        Kill();
        _process.Dispose();
        _pin?.Dispose();
        _disposed = true;
    }
}
