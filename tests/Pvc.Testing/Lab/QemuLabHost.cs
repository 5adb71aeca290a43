using System.Diagnostics;
using System.Globalization;

namespace Pvc.Testing.Lab;

/// <summary>
/// A hypervisor host on this machine: a libvirtd with the QEMU driver (TCG guests, no /dev/kvm needed) in its own
/// network namespace, and in its own mount namespace in which the host's folder is bind-mounted over libvirt's
/// (/etc/libvirt, /run/libvirt, /var/lib/libvirt, /var/cache/libvirt, /var/log/libvirt) and over /etc/hosts (so that
/// it finds its peers by name, as PVC's hosts do). It listens on TCP for its peers (live migration, peer to peer);
/// the node service in the machine's own namespace reaches it through its unix socket. Started and stopped by PID.
/// </summary>
public sealed class QemuLabHost : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);

    // runs inside `ip netns exec <ns> unshare --mount --uts`; each exec keeps the PID, so the PID we start is libvirtd's
    private const string HostScript = """
        set -e
        D=$1; HN=$2
        # nothing mounted here may show in the machine's own mount namespace
        mount --make-rprivate /
        for p in etc:/etc/libvirt run:/run/libvirt lib:/var/lib/libvirt cache:/var/cache/libvirt log:/var/log/libvirt; do
          mkdir -p "${p#*:}"
          mount --bind "$D/${p%%:*}" "${p#*:}"
        done
        mount --bind "$D/hosts" /etc/hosts
        hostname "$HN"
        exec /usr/sbin/libvirtd --listen --config /etc/libvirt/libvirtd.conf --pid-file /run/libvirt/libvirtd.pid
        """;

    private Process _process;
    private bool _disposed;

    private QemuLabHost(string name, string networkNamespace, string address, string directory, Process process)
    {
        Name = name;
        Namespace = networkNamespace;
        Address = address;
        Directory = directory;
        _process = process;
    }

    /// <summary>The host's name (its hostname, and its name in the peers' /etc/hosts).</summary>
    public string Name { get; }

    /// <summary>Its network namespace.</summary>
    public string Namespace { get; }

    /// <summary>Its address on the lab network.</summary>
    public string Address { get; }

    /// <summary>Its folder: etc, run, lib, cache and log are its libvirt folders.</summary>
    public string Directory { get; }

    /// <summary>libvirtd's PID.</summary>
    public int Pid => _process.Id;

    /// <summary>The URI for clients in the machine's own namespace (the node service, the tests).</summary>
    public string LibvirtUri => $"qemu+unix:///system?socket={Directory}/run/libvirt-sock";

    /// <summary>libvirtd's output.</summary>
    public string LogPath => Path.Combine(Directory, "libvirtd.log");

    /// <summary>
    /// Starts libvirtd for host <paramref name="name"/> in <paramref name="networkNamespace"/> and waits until it answers.
    /// </summary>
    /// <param name="directory">An empty folder for the host (under a <see cref="LabMachine.DirectoryPrefix"/> folder, for the sweep).</param>
    /// <param name="name">The host name.</param>
    /// <param name="networkNamespace">Its namespace, with <paramref name="address"/> on its link.</param>
    /// <param name="address">Its address: libvirtd listens there and QEMU receives migrations there.</param>
    /// <param name="hosts">Every lab host's name and address, for its /etc/hosts.</param>
    /// <param name="index">A number unique among the lab's hosts (its libvirt host UUID).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public static async Task<QemuLabHost> StartAsync(string directory, string name, string networkNamespace, string address,
        IReadOnlyDictionary<string, string> hosts, int index, CancellationToken cancellationToken = default)
    {
        foreach (var folder in new[] { "etc", "run", "lib", "cache", "log" })
            System.IO.Directory.CreateDirectory(Path.Combine(directory, folder));
        await File.WriteAllTextAsync(Path.Combine(directory, "etc", "libvirtd.conf"), $"""
            listen_tcp = 1
            listen_tls = 0
            listen_addr = "{address}"
            auth_tcp = "none"
            host_uuid = "{new Guid(index, 0x7076, 0x4000, 0x80, 0, 0, 0, 0, 0, 0, 0)}"
            """, cancellationToken);
        // root runs QEMU (as the tests do); QEMU's output to a file (no virtlogd to run and stop); no confinement,
        // which these hosts do not have; the destination tells the source its own address, not its name
        await File.WriteAllTextAsync(Path.Combine(directory, "etc", "qemu.conf"), $"""
            user = "root"
            group = "root"
            dynamic_ownership = 0
            security_driver = "none"
            stdio_handler = "file"
            migration_host = "{address}"
            """, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, "hosts"),
            "127.0.0.1 localhost\n" + string.Concat(hosts.Select(h => $"{h.Value} {h.Key}\n")), cancellationToken);
        var script = Path.Combine(directory, "host.sh");
        await File.WriteAllTextAsync(script, HostScript.Replace("\r", "", StringComparison.Ordinal) + "\n", cancellationToken);
        QemuCapabilityCache.Seed(Path.Combine(directory, "cache"));

        var host = new QemuLabHost(name, networkNamespace, address, directory, Launch(directory, name, networkNamespace));
        try
        {
            await host.WaitAnsweringAsync(cancellationToken);
            QemuCapabilityCache.Save(Path.Combine(directory, "cache"));
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts libvirtd in the host's namespaces (<c>host.sh</c>, written by <see cref="StartAsync"/>).</summary>
    private static Process Launch(string directory, string name, string networkNamespace)
    {
        var script = Path.Combine(directory, "host.sh");
        var ip = LabCommand.Find("ip") ?? "ip";
        var unshare = LabCommand.Find("unshare") ?? "unshare";
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"exec '{ip}' netns exec '{networkNamespace}' '{unshare}' --mount --uts /bin/sh '{script}' '{directory}' '{name}' >>'{directory}/libvirtd.log' 2>&1");
        return Process.Start(psi) ?? throw new InvalidOperationException("Could not start libvirtd.");
    }

    /// <summary>
    /// Boots the host again after a power-off killed its libvirtd and guests (<see cref="SimulatedBmc"/>): a new libvirtd
    /// on the same folders (it finds its guests' QEMUs gone and cleans up after them), waited for until it answers.
    /// </summary>
    /// <exception cref="InvalidOperationException">libvirtd still runs: the host was not powered off.</exception>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_process.HasExited)
            throw new InvalidOperationException($"libvirtd of lab host {Name} still runs: only a host that was powered off boots again.");
        _process.Dispose();
        _process = Launch(Directory, Name, Namespace);
        await WaitAnsweringAsync(cancellationToken);
    }

    private async Task WaitAnsweringAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"libvirtd of lab host {Name} exited ({_process.ExitCode}) while starting:\n{Log()}");
            if (File.Exists(Path.Combine(Directory, "run", "libvirt-sock")) &&
                LabCommand.TryRun("virsh", ["-c", LibvirtUri, "version"], TimeSpan.FromSeconds(20)).ExitCode == 0)
                return;
            if (started.Elapsed > StartDeadline)
                throw new TimeoutException($"libvirtd of lab host {Name} did not answer within {StartDeadline.TotalSeconds} s:\n{Log()}");
            // libvirtd gives no readiness signal outside systemd: look again shortly
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>The PID of a running domain's QEMU process (from libvirt's pid file), or null.</summary>
    public int? QemuPid(string domainName)
    {
        var file = Path.Combine(Directory, "run", "qemu", $"{domainName}.pid");
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && LabCommand.IsAlive(pid)
            ? pid : null;
    }

    /// <summary>The last lines of libvirtd's output.</summary>
    public string Log() => File.Exists(LogPath) ? string.Join('\n', File.ReadLines(LogPath).TakeLast(30)) : "(no log)";

    /// <summary>
    /// Kills by PID what a host folder says runs: every QEMU (its guests are throwaway) and libvirtd. Used by the
    /// sweep for hosts of dead test runs; <see cref="DisposeAsync"/> does the same for its own.
    /// </summary>
    public static void KillProcesses(string hostDirectory)
    {
        KillQemus(hostDirectory);
        KillByPidFile(Path.Combine(hostDirectory, "run", "libvirtd.pid"));
    }

    private static void KillQemus(string hostDirectory)
    {
        var qemu = Path.Combine(hostDirectory, "run", "qemu");
        if (System.IO.Directory.Exists(qemu))
        {
            // driver.pid is the QEMU driver's lock (libvirtd's own PID); the others are one a guest
            foreach (var file in System.IO.Directory.EnumerateFiles(qemu, "*.pid").Where(f => Path.GetFileName(f) != "driver.pid"))
                KillByPidFile(file);
        }
    }

    private static void KillByPidFile(string file)
    {
        if (File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 1 && LabCommand.IsAlive(pid))
            LabCommand.Signal(pid, "KILL");
    }

    /// <summary>Stops the guests and libvirtd by PID and removes the folder; the namespaces' mounts end with their last process.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        KillQemus(Directory);
        if (!_process.HasExited)
        {
            LabCommand.Signal(_process.Id, "TERM");
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a QEMU that is still going away may hold a file a moment longer; the sweep of a later run removes it
        }
    }
}
