using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pvc.Testing.ZooKeeper;

/// <summary>
/// A private Apache ZooKeeper 3.8 server (Debian's package, run with java directly) on a free
/// loopback port with its own data folder. Stopped by PID. A member of an ensemble is one of these
/// with a peer configuration.
/// </summary>
public sealed class ZooKeeperServer : IAsyncDisposable
{
    // zookeeper.jar's manifest names most of Netty, but not the codec and resolver its TLS handler needs
    private const string JavaClassPath = "/usr/share/java/zookeeper.jar:/usr/share/java/netty-codec.jar:/usr/share/java/netty-resolver.jar:/usr/share/java/slf4j-nop.jar";
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    /// <summary>
    /// JVM options for test servers: a small heap and the quick-starting C1 compiler (about 1 s less per start).
    /// </summary>
    public const string TestJvmOptions = "-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto";

    /// <summary>JVM options as a production server would run (full JIT), for benchmarks.</summary>
    public const string ProductionJvmOptions = "-Xmx512m -Xshare:auto";

    private readonly string _configPath;
    private readonly string _mainClass;
    private Process? _wrapper;

    private ZooKeeperServer(string dataDir, int clientPort, string configPath, string mainClass)
    {
        DataDir = dataDir;
        ClientPort = clientPort;
        _configPath = configPath;
        _mainClass = mainClass;
    }

    /// <summary>Options given to java.</summary>
    public string JvmOptions { get; init; } = TestJvmOptions;

    /// <summary>The server's data folder (removed on dispose).</summary>
    public string DataDir { get; }

    /// <summary>The client port on 127.0.0.1.</summary>
    public int ClientPort { get; }

    /// <summary><c>127.0.0.1:port</c>.</summary>
    public string Endpoint => $"127.0.0.1:{ClientPort}";

    /// <summary>The TLS client port on 127.0.0.1 of a server started with <see cref="StartTlsAsync"/>, else null.</summary>
    public int? SecureClientPort { get; private init; }

    /// <summary><c>127.0.0.1:securePort</c> of a TLS server.</summary>
    public string SecureEndpoint => $"127.0.0.1:{SecureClientPort ?? throw new InvalidOperationException("This server has no TLS port.")}";

    /// <summary>The java process id while the server runs, else null.</summary>
    public int? Pid { get; private set; }

    /// <summary>Starts a standalone server and waits until it serves.</summary>
    public static async Task<ZooKeeperServer> StartStandaloneAsync(CancellationToken cancellationToken = default) =>
        await StartStandaloneAsync(TestJvmOptions, cancellationToken);

    /// <summary>Starts a standalone server with the given JVM options and waits until it serves.</summary>
    public static async Task<ZooKeeperServer> StartStandaloneAsync(string jvmOptions, CancellationToken cancellationToken = default) =>
        await StartStandaloneAsync(jvmOptions, MinSessionTimeout, cancellationToken);

    /// <summary>
    /// Starts a standalone server that grants no session less than <paramref name="minSessionTimeout"/> (ZooKeeper's
    /// <c>minSessionTimeout</c>: a client asking less gets this), and waits until it serves. For tests whose sessions
    /// must outlive a restart of the server: the restored sessions expire unless their clients are served within their
    /// timeout of the server's start, which a loaded machine can take longer than a node service's 4 s for.
    /// </summary>
    public static async Task<ZooKeeperServer> StartStandaloneAsync(TimeSpan minSessionTimeout, CancellationToken cancellationToken = default) =>
        await StartStandaloneAsync(TestJvmOptions, minSessionTimeout, cancellationToken);

    private static async Task<ZooKeeperServer> StartStandaloneAsync(string jvmOptions, TimeSpan minSessionTimeout, CancellationToken cancellationToken)
    {
        var dataDir = Directory.CreateTempSubdirectory("pvc-zk-").FullName;
        var port = FreePort();
        var config = Path.Combine(dataDir, "zoo.cfg");
        await File.WriteAllTextAsync(config, BaseConfig(dataDir, port, minSessionTimeout), cancellationToken);
        var server = new ZooKeeperServer(dataDir, port, config, "org.apache.zookeeper.server.ZooKeeperServerMain") { JvmOptions = jvmOptions };
        await server.StartAsync(cancellationToken);
        return server;
    }

    /// <summary>
    /// Starts a standalone server that also serves TLS (Netty's connection factory, <c>secureClientPort</c>) with the
    /// PKI's server certificate in a PKCS12 key store and its authority as the trust store. <c>ssl.clientAuth</c> stays
    /// ZooKeeper's default, <c>need</c>: a client must present a certificate the authority signed.
    /// </summary>
    public static async Task<ZooKeeperServer> StartTlsAsync(TestPki pki, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pki);
        var dataDir = Directory.CreateTempSubdirectory("pvc-zk-tls-").FullName;
        var port = FreePort();
        var securePort = FreePort();
        var (keyStore, password, trustStore) = pki.WriteServerStores(dataDir);
        var config = Path.Combine(dataDir, "zoo.cfg");
        await File.WriteAllTextAsync(config, BaseConfig(dataDir, port) + $"""
            serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory
            secureClientPort={securePort}
            secureClientPortAddress=127.0.0.1
            ssl.keyStore.location={keyStore}
            ssl.keyStore.password={password}
            ssl.keyStore.type=PKCS12
            ssl.trustStore.location={trustStore}
            ssl.trustStore.type=PEM

            """, cancellationToken);
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var server = new ZooKeeperServer(dataDir, port, config, "org.apache.zookeeper.server.ZooKeeperServerMain") { SecureClientPort = securePort };
        await server.StartAsync(cancellationToken);
        return server;
    }

    internal static ZooKeeperServer ForEnsembleMember(string dataDir, int clientPort, int myId, string peers)
    {
        var config = Path.Combine(dataDir, "zoo.cfg");
        File.WriteAllText(config, BaseConfig(dataDir, clientPort) + "initLimit=10\nsyncLimit=5\n" + peers);
        File.WriteAllText(Path.Combine(dataDir, "myid"), myId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new ZooKeeperServer(dataDir, clientPort, config, "org.apache.zookeeper.server.quorum.QuorumPeerMain");
    }

    private static readonly TimeSpan MinSessionTimeout = TimeSpan.FromSeconds(1);

    private static string BaseConfig(string dataDir, int port, TimeSpan? minSessionTimeout = null) =>
        $"""
        tickTime=500
        minSessionTimeout={(long)(minSessionTimeout ?? MinSessionTimeout).TotalMilliseconds}
        maxSessionTimeout=60000
        dataDir={dataDir}
        clientPort={port}
        clientPortAddress=127.0.0.1
        admin.enableServer=false
        4lw.commands.whitelist=*
        maxClientCnxns=0

        """;

    /// <summary>Starts (or restarts) the java process; for an ensemble member it does not wait.</summary>
    public void Launch()
    {
        if (Pid is not null)
            throw new InvalidOperationException("The server is already running.");
        // The wrapper ties java's life to ours: if the test host dies, its stdin closes and java is killed,
        // so a crashed run leaves no server behind.
        var java = $"exec java {JvmOptions} -cp {JavaClassPath} {_mainClass} {_configPath}";
        var psi = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", $"{java} </dev/null >>{DataDir}/server.log 2>&1 & echo $!; cat >/dev/null; kill -9 $! 2>/dev/null" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _wrapper = Process.Start(psi) ?? throw new InvalidOperationException("Could not start /bin/sh for ZooKeeper.");
        var line = _wrapper.StandardOutput.ReadLine();
        Pid = int.TryParse(line, out var pid) ? pid : throw new InvalidOperationException($"ZooKeeper wrapper printed '{line}' instead of a PID.");
    }

    /// <summary>Starts the server and waits until <c>srvr</c> reports a <c>Mode:</c>.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        Launch();
        await WaitServingAsync(StartDeadline, cancellationToken);
    }

    /// <summary>Waits until the server answers <c>srvr</c> with a mode (leader, follower, standalone).</summary>
    public async Task WaitServingAsync(TimeSpan deadline, CancellationToken cancellationToken = default)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            if (Pid is int pid && !IsAlive(pid))
                throw new InvalidOperationException($"ZooKeeper (pid {pid}) exited while starting; see {DataDir}/server.log:\n{TailLog()}");
            var answer = await TryFourLetterWordAsync("srvr", cancellationToken);
            if (answer is not null && answer.Contains("Mode:", StringComparison.Ordinal))
                return;
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"ZooKeeper on port {ClientPort} did not serve within {deadline}; log:\n{TailLog()}");
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>The server's mode from <c>srvr</c> (standalone, leader, follower), or null when it does not answer.</summary>
    public async Task<string?> ModeAsync(CancellationToken cancellationToken = default)
    {
        var answer = await TryFourLetterWordAsync("srvr", cancellationToken);
        var line = answer?.Split('\n').FirstOrDefault(l => l.StartsWith("Mode:", StringComparison.Ordinal));
        return line?["Mode:".Length..].Trim();
    }

    /// <summary>Sends a four-letter word and returns the answer, or null when the server does not answer.</summary>
    public async Task<string?> TryFourLetterWordAsync(string word, CancellationToken cancellationToken = default)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, ClientPort, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(word), timeout.Token);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            return await reader.ReadToEndAsync(timeout.Token);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Kills the server with SIGKILL (a crash, not a shutdown) and waits for it to be gone.</summary>
    public void Kill()
    {
        if (Pid is not int pid)
            return;
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            process.WaitForExit(10_000);
        }
        catch (ArgumentException)
        {
            // already gone
        }
        Pid = null;
        _wrapper?.StandardInput.Close();
        _wrapper?.WaitForExit(5_000);
        _wrapper?.Dispose();
        _wrapper = null;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private string TailLog()
    {
        var log = Path.Combine(DataDir, "server.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(30)) : "(no log)";
    }

    /// <summary>A TCP port that was free a moment ago on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open: leave the temp folder
        }
        return ValueTask.CompletedTask;
    }
}
