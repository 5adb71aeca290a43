using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pvc.Testing.Ceph;

/// <summary>
/// A one-host Ceph 16 cluster (Debian's packages) for tests: a monitor, a manager and <see cref="CephLabOptions.OsdCount"/>
/// OSDs (bluestore on sparse files, or memstore), each a plain process on 127.0.0.1 (or <see cref="CephLabOptions.Address"/>) — no systemd, no containers — in a
/// private folder with its own ceph.conf and keyrings (mode 0600). Each daemon runs in the foreground under a small
/// shell that kills it when the test host's end of a pipe closes, so a crashed test run leaves no daemon behind; a
/// normal end stops every daemon by PID and removes the folder. Waits are conditions (answers, OSDs up, health) with
/// deadlines.
/// </summary>
public sealed partial class CephLab : IAsyncDisposable
{
    /// <summary>Where labs keep their folders: <c>/tmp/pvc-ceph-&lt;test process id&gt;-...</c>.</summary>
    public const string DirectoryPrefix = "pvc-ceph-";

    /// <summary>The client the lab's tools and tests act as.</summary>
    public const string AdminClient = "client.admin";

    // the seconds a ceph or rbd call may spend reaching the monitor; without it a call hangs 300 s when none answers
    private const string ConnectTimeoutSeconds = "15";
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    private readonly List<Daemon> _daemons = [];
    private readonly SemaphoreSlim _poolLock = new(1, 1);
    private bool _poolMade;

    private CephLab(string directory, CephLabOptions options, Guid fsid, int monPort, int monPortV1)
    {
        Directory = directory;
        Options = options;
        Fsid = fsid;
        MonitorPort = monPort;
        MonitorV1Port = monPortV1;
    }

    /// <summary>The lab's folder (removed on dispose).</summary>
    public string Directory { get; }

    /// <summary>How the lab was started.</summary>
    public CephLabOptions Options { get; }

    /// <summary>The cluster's fsid.</summary>
    public Guid Fsid { get; }

    /// <summary>
    /// The cluster's name as ceph-volume uses it (<c>pvc</c> and 8 hex digits of the fsid): its OSD folders are
    /// <c>/var/lib/ceph/osd/&lt;name&gt;-&lt;id&gt;</c> and its bootstrap key <c>/var/lib/ceph/bootstrap-osd/&lt;name&gt;.keyring</c>,
    /// so labs running side by side never share one.
    /// </summary>
    public string ClusterName => "pvc" + Fsid.ToString("N")[..8];

    /// <summary>The bootstrap-osd key ceph-volume registers new OSDs with (removed with the lab).</summary>
    public string BootstrapOsdKeyringPath => $"/var/lib/ceph/bootstrap-osd/{ClusterName}.keyring";

    /// <summary>The monitor's messenger v2 port on <see cref="Address"/>.</summary>
    public int MonitorPort { get; }

    /// <summary>
    /// The monitor's messenger v1 port on <see cref="Address"/>: the one a libvirt RBD disk's <c>&lt;host port=...&gt;</c>
    /// names (QEMU's librbd takes a monitor given as address:port for a v1 one unless the port is 3300).
    /// </summary>
    public int MonitorV1Port { get; }

    /// <summary>The address every daemon of the lab binds to (<see cref="CephLabOptions.Address"/>).</summary>
    public string Address => Options.Address;

    /// <summary>The cluster's ceph.conf: a client given it (and <see cref="AdminClient"/>) finds the monitor and the admin keyring.</summary>
    public string ConfigPath => Path.Combine(Directory, "ceph.conf");

    /// <summary>The admin client's keyring (mode 0600).</summary>
    public string AdminKeyringPath => Path.Combine(Directory, "keyring.admin");

    /// <summary>
    /// The manager prometheus module's metrics page (<c>http://address:port/metrics</c>) when started with
    /// <see cref="CephLabOptions.PrometheusModule"/>, else null.
    /// </summary>
    public Uri? PrometheusUrl { get; private set; }

    /// <summary>How long the start took, from an empty folder to HEALTH_OK with every OSD up.</summary>
    public TimeSpan StartTime { get; private set; }

    /// <summary>The PIDs of the running daemons, by name (<c>mon.a</c>, <c>mgr.x</c>, <c>osd.0</c>, ...).</summary>
    public IReadOnlyDictionary<string, int> Pids => _daemons.Where(d => d.IsRunning).ToDictionary(d => d.Name, d => d.Pid);

    /// <summary>Starts a cluster and waits until every OSD is up and the health is HEALTH_OK.</summary>
    /// <exception cref="InvalidOperationException">A Ceph tool is missing, or a step failed (with the daemon's log).</exception>
    /// <exception cref="TimeoutException">The cluster did not become healthy within <see cref="CephLabOptions.StartDeadline"/>.</exception>
    public static async Task<CephLab> StartAsync(CephLabOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new CephLabOptions();
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("The Ceph lab runs on Linux only.");
        EnsureInstalled();
        SweepLeftovers();
        var started = Stopwatch.StartNew();
        var directory = Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"{DirectoryPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}"));
        System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var address = IPAddress.Parse(options.Address);
        var lab = new CephLab(directory, options, Guid.NewGuid(), FreePort(address), FreePort(address));
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.StartDeadline);
            try
            {
                await lab.BootstrapAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The Ceph lab did not reach HEALTH_OK with {options.OsdCount} OSD(s) up within {options.StartDeadline}.\n{lab.TailLogs()}");
            }
            lab.StartTime = started.Elapsed;
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private async Task BootstrapAsync(CancellationToken cancellationToken)
    {
        foreach (var sub in new[] { "run", "log", "mon", "mgr", "osd", "crash" })
            System.IO.Directory.CreateDirectory(Path.Combine(Directory, sub));
        var monAddress = string.Create(CultureInfo.InvariantCulture, $"[v2:{Address}:{MonitorPort},v1:{Address}:{MonitorV1Port}]");
        await File.WriteAllTextAsync(ConfigPath, CephLabConfig.Render(Directory, Fsid, monAddress, Options), cancellationToken);

        // every key is in the monitor's first keyring, so its mkfs puts them all in the auth database: no
        // 'auth add' calls later (each a second of the Python CLI on this machine)
        var osds = Enumerable.Range(0, Options.OsdCount).ToArray();
        var keys = new CephKeyring()
            .Add("mon.", ("mon", "allow *"))
            .Add(AdminClient, ("mon", "allow *"), ("osd", "allow *"), ("mds", "allow *"), ("mgr", "allow *"))
            .Add("mgr.x", ("mon", "allow profile mgr"), ("osd", "allow *"), ("mds", "allow *"))
            .Add("client.bootstrap-osd", ("mon", "allow profile bootstrap-osd"));
        foreach (var id in osds)
            keys.Add(OsdName(id), ("osd", "allow *"), ("mon", "allow profile osd"), ("mgr", "allow profile osd"));
        var monKeyring = Path.Combine(Directory, "keyring.mon");
        keys.Write(monKeyring);
        keys.Only(AdminClient).Write(AdminKeyringPath);
        // ceph-volume finds the bootstrap key by the cluster's name; the OSDs it makes run as the ceph user (it passes
        // --setuser ceph), which must reach the lab's ceph.conf and write its logs and pid files
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(BootstrapOsdKeyringPath)!);
        keys.Only("client.bootstrap-osd").Write(BootstrapOsdKeyringPath);
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        foreach (var sub in new[] { "run", "log" })
            await RunCheckedAsync("chown", ["ceph:ceph", Path.Combine(Directory, sub)], cancellationToken);
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "mgr", "mgr.x"));
        keys.Only("mgr.x").Write(Path.Combine(Directory, "mgr", "mgr.x", "keyring"));
        var uuids = osds.ToDictionary(id => id, _ => Guid.NewGuid());
        foreach (var id in osds)
        {
            System.IO.Directory.CreateDirectory(Path.Combine(Directory, "osd", OsdName(id)));
            keys.Only(OsdName(id)).Write(Path.Combine(Directory, "osd", OsdName(id), "keyring"));
        }

        var monmap = Path.Combine(Directory, "monmap");
        await RunCheckedAsync("monmaptool", ["--create", "--fsid", Fsid.ToString(), "--addv", "a", monAddress, monmap], cancellationToken);
        await RunCheckedAsync("ceph-mon", ["-c", ConfigPath, "--mkfs", "-i", "a", "--monmap", monmap, "--keyring", monKeyring], cancellationToken);
        File.Delete(monKeyring);
        Launch("mon.a", "ceph-mon", ["-f", "-c", ConfigPath, "-i", "a"]);

        // the OSDs' mkfs needs no monitor (--no-mon-config): it runs while the monitor starts
        var mkfs = osds.Select(id => RunCheckedAsync("ceph-osd",
            ["-c", ConfigPath, "-i", Id(id), "--mkfs", "--osd-uuid", uuids[id].ToString(), "--no-mon-config"], cancellationToken)).ToList();
        // 'osd new' waits (up to the connect timeout) for the monitor to answer: the first answer is the monitor's start
        foreach (var id in osds)
            await CephAsync(["osd", "new", uuids[id].ToString(), Id(id)], cancellationToken);
        Launch("mgr.x", "ceph-mgr", ["-f", "-c", ConfigPath, "-i", "x"]);
        await Task.WhenAll(mkfs);
        foreach (var id in osds)
            Launch(OsdName(id), "ceph-osd", ["-f", "-c", ConfigPath, "-i", Id(id)]);

        await WaitUntilAsync(async ct => await OsdsUpAsync(ct) >= Options.OsdCount, cancellationToken);
        await WaitUntilAsync(async ct => await HealthAsync(ct) == "HEALTH_OK", cancellationToken);
        if (Options.PrometheusModule)
            await EnablePrometheusAsync(cancellationToken);
    }

    /// <summary>
    /// The manager's prometheus module on <see cref="Address"/> and a free port: set before the module is enabled, whose
    /// enabling respawns the manager (the same PID: it execs itself); done when the page answers with Ceph's health.
    /// Takes a few seconds, and three calls of the ceph tool.
    /// </summary>
    private async Task EnablePrometheusAsync(CancellationToken cancellationToken)
    {
        var port = FreePort(IPAddress.Parse(Address)).ToString(CultureInfo.InvariantCulture);
        // --force: the monitor knows a module (and its options) only once the manager has reported its modules, which a
        // loaded machine's manager may not have done yet at HEALTH_OK; the page's answer below is the proof it runs
        await CephAsync(["config", "set", "mgr", "mgr/prometheus/server_addr", Address, "--force"], cancellationToken);
        await CephAsync(["config", "set", "mgr", "mgr/prometheus/server_port", port, "--force"], cancellationToken);
        await CephAsync(["mgr", "module", "enable", "prometheus", "--force"], cancellationToken);
        var url = new Uri($"http://{Address}:{port}/metrics");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await WaitUntilAsync(async ct =>
        {
            try
            {
                using var response = await http.GetAsync(url, ct);
                return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync(ct)).Contains("ceph_health_status", StringComparison.Ordinal);
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                return false; // the manager respawning, or the module not listening yet
            }
        }, cancellationToken);
        PrometheusUrl = url;
    }

    /// <summary>Runs <c>ceph</c> as the admin client with the given arguments; returns its standard output.</summary>
    /// <exception cref="InvalidOperationException">It failed (with its error output).</exception>
    public Task<string> CephAsync(IReadOnlyList<string> args, CancellationToken cancellationToken = default) =>
        RunCheckedAsync("ceph", ["-c", ConfigPath, "--connect-timeout", ConnectTimeoutSeconds, .. args], cancellationToken);

    /// <summary>Runs <c>rbd</c> as the admin client with the given arguments; returns its standard output.</summary>
    /// <exception cref="InvalidOperationException">It failed (with its error output).</exception>
    public Task<string> RbdAsync(IReadOnlyList<string> args, CancellationToken cancellationToken = default) =>
        RunCheckedAsync("rbd", ["-c", ConfigPath, .. args], cancellationToken);

    /// <summary>
    /// The pool tests share for their volumes, <see cref="SharedPool"/> (8 PGs, one copy, initialised for RBD), made by
    /// the first caller; each test names its volumes uniquely.
    /// </summary>
    public async Task<string> SharedPoolAsync(CancellationToken cancellationToken = default)
    {
        await _poolLock.WaitAsync(cancellationToken);
        try
        {
            if (!_poolMade)
            {
                await CephAsync(["osd", "pool", "create", SharedPool, "8", "8"], cancellationToken);
                await RbdAsync(["pool", "init", SharedPool], cancellationToken);
                _poolMade = true;
            }
            return SharedPool;
        }
        finally
        {
            _poolLock.Release();
        }
    }

    /// <summary>The name of the pool <see cref="SharedPoolAsync"/> makes.</summary>
    public const string SharedPool = "rbd";

    /// <summary>The number of OSDs up (<c>ceph osd stat</c>).</summary>
    public async Task<int> OsdsUpAsync(CancellationToken cancellationToken = default)
    {
        using var json = JsonDocument.Parse(await CephAsync(["osd", "stat", "--format", "json"], cancellationToken));
        return json.RootElement.GetProperty("num_up_osds").GetInt32();
    }

    /// <summary>The cluster's health status (<c>HEALTH_OK</c>, <c>HEALTH_WARN</c>, <c>HEALTH_ERR</c>).</summary>
    public async Task<string> HealthAsync(CancellationToken cancellationToken = default)
    {
        using var json = JsonDocument.Parse(await CephAsync(["health", "--format", "json"], cancellationToken));
        return json.RootElement.GetProperty("status").GetString() ?? "";
    }

    /// <summary>Polls <paramref name="condition"/> every quarter second until it holds or the token is cancelled.</summary>
    public static async Task WaitUntilAsync(Func<CancellationToken, Task<bool>> condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (!await condition(cancellationToken))
            await Task.Delay(250, cancellationToken);
    }

    /// <summary>Waits until <paramref name="condition"/> holds; <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="deadline"/>.</summary>
    public static async Task WaitUntilAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan deadline, string what)
    {
        using var cts = new CancellationTokenSource(deadline);
        try
        {
            await WaitUntilAsync(condition, cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"{what}: not so within {deadline}.");
        }
    }

    /// <summary>
    /// Starts the daemon of an OSD ceph-volume made (its data in <paramref name="dataPath"/>), as the ceph user, as a PVC
    /// node's <c>ceph-osd@&lt;id&gt;</c> unit would; <see cref="StopOsd"/> or the lab's end stops it.
    /// </summary>
    public void StartOsd(int id, string dataPath)
    {
        StopOsd(id);
        Launch(OsdName(id), "ceph-osd", ["-f", "-c", ConfigPath, "--cluster", ClusterName, "-i", Id(id), "--osd-data", dataPath, "--setuser", "ceph", "--setgroup", "ceph"]);
    }

    /// <summary>Stops an OSD's daemon by PID (SIGKILL); no error when it is not running.</summary>
    public void StopOsd(int id)
    {
        foreach (var daemon in _daemons.Where(d => d.Name == OsdName(id)).ToList())
        {
            daemon.Kill();
            _daemons.Remove(daemon);
        }
    }

    /// <summary>Kills a daemon (<c>osd.0</c>, ...) with SIGKILL, as a crash or a power loss would.</summary>
    public void Kill(string daemon) => _daemons.Single(d => d.Name == daemon).Kill();

    private void Launch(string name, string tool, string[] args)
    {
        var log = Path.Combine(Directory, "log", name + ".out");
        // the shell ties the daemon's life to ours: when the test host dies, its pipe to cat closes and the daemon is killed
        var psi = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", "\"$@\" </dev/null >>\"$PVC_CEPH_LOG\" 2>&1 & echo $!; cat >/dev/null; kill -9 $! 2>/dev/null", "sh", Tool(tool) },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["PVC_CEPH_LOG"] = log;
        var wrapper = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start /bin/sh for {name}.");
        var line = wrapper.StandardOutput.ReadLine();
        if (!int.TryParse(line, CultureInfo.InvariantCulture, out var pid))
        {
            wrapper.Kill();
            wrapper.Dispose();
            throw new InvalidOperationException($"The wrapper of {name} printed '{line}' instead of a PID.");
        }
        _daemons.Add(new Daemon(name, pid, wrapper));
    }

    private static async Task<string> RunCheckedAsync(string tool, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var (code, output, error) = await RunAsync(Tool(tool), args, cancellationToken);
        return code == 0 ? output : throw new InvalidOperationException($"'{tool} {string.Join(' ', args)}' failed ({code}): {error.Trim()}");
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string file, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(CallTimeout);
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            if (cancellationToken.IsCancellationRequested)
                throw;
            return (-1, await output, $"no end within {CallTimeout.TotalSeconds} s; {await error}");
        }
        return (process.ExitCode, await output, await error);
    }

    private static string Tool(string name) =>
        new[] { "/usr/bin", "/usr/sbin", "/bin", "/sbin" }.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists) ?? name;

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    private static string OsdName(int id) => "osd." + Id(id);

    /// <summary>Throws, naming what is missing, unless Ceph's daemons and tools are installed.</summary>
    /// <exception cref="InvalidOperationException">A tool is missing.</exception>
    public static void EnsureInstalled()
    {
        var missing = new[] { ("ceph-mon", "ceph-mon"), ("ceph-mgr", "ceph-mgr"), ("ceph-osd", "ceph-osd"), ("ceph", "ceph-common"), ("rbd", "ceph-common"), ("monmaptool", "ceph-base") }
            .Where(t => Tool(t.Item1) == t.Item1).Select(t => $"{t.Item1} (Debian package {t.Item2})").ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"The Ceph lab cannot start: {string.Join(", ", missing)} missing; './build.sh deps' installs them.");
    }

    /// <summary>Removes the folders of labs whose test process has died (their daemons died with it).</summary>
    public static void SweepLeftovers()
    {
        foreach (var dir in System.IO.Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            var m = Owner().Match(Path.GetFileName(dir)[DirectoryPrefix.Length..]);
            if (!m.Success || File.Exists($"/proc/{m.Groups[1].Value}/stat"))
                continue;
            try
            {
                System.IO.Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [GeneratedRegex(@"^(\d+)-")]
    private static partial Regex Owner();

    private string TailLogs()
    {
        var logs = System.IO.Directory.Exists(Path.Combine(Directory, "log")) ? System.IO.Directory.GetFiles(Path.Combine(Directory, "log")) : [];
        return string.Join('\n', logs.Order(StringComparer.Ordinal).Select(l => $"--- {Path.GetFileName(l)}\n{string.Join('\n', File.ReadLines(l).TakeLast(15))}"));
    }

    private static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops every daemon by PID (SIGKILL: the data is thrown away) and removes the folder.</summary>
    public ValueTask DisposeAsync()
    {
        foreach (var daemon in _daemons)
            daemon.Kill();
        _daemons.Clear();
        _poolLock.Dispose();
        // what ceph-volume left outside the folder: OSD folders and the bootstrap key of this lab's cluster name
        foreach (var osd in System.IO.Directory.Exists("/var/lib/ceph/osd") ? System.IO.Directory.GetDirectories("/var/lib/ceph/osd", ClusterName + "-*") : [])
            System.IO.Directory.Delete(osd, recursive: true);
        File.Delete(BootstrapOsdKeyringPath);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open: the sweep of a later lab removes it
        }
        return ValueTask.CompletedTask;
    }

    private sealed class Daemon(string name, int pid, Process wrapper)
    {
        public string Name { get; } = name;
        public int Pid { get; } = pid;
        public bool IsRunning { get; private set; } = true;

        public void Kill()
        {
            if (!IsRunning)
                return;
            IsRunning = false;
            try
            {
                using var process = Process.GetProcessById(Pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // gone already
            }
            // the wrapper ends once its pipe closes, and with it the daemon's zombie is reaped
            wrapper.StandardInput.Close();
            wrapper.WaitForExit(5_000);
            wrapper.Dispose();
            var until = DateTime.UtcNow.AddSeconds(10);
            while (IsAlive(Pid) && DateTime.UtcNow < until)
                Thread.Sleep(20);
        }

        private static bool IsAlive(int pid)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() is not ('Z' or 'X' or default(char));
            }
            catch (IOException)
            {
                return false;
            }
        }
    }
}
