using System.Globalization;
using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using YamlDotNet.RepresentationModel;

namespace Pvc.NodeService.Configuration;

/// <summary>Reads <see cref="NodeConfig"/> from a pvc.conf-layout YAML file.</summary>
public static partial class NodeConfigLoader
{
    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9_.-]{1,15}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex DeviceName();

    /// <summary>The default path, as PVC's (<c>PVC_CONFIG_FILE</c> overrides it).</summary>
    public const string DefaultPath = "/etc/pvc/pvc.conf";

    /// <summary>Loads and validates the file.</summary>
    /// <exception cref="NodeConfigException">The file or a key is not valid; the message names it.</exception>
    public static NodeConfig Load(string path)
    {
        if (!File.Exists(path))
            throw new NodeConfigException($"The configuration file {path} does not exist (set PVC_CONFIG_FILE or --config to another).");
        YamlMappingNode root;
        try
        {
            var yaml = new YamlStream();
            using var reader = File.OpenText(path);
            yaml.Load(reader);
            root = yaml.Documents.FirstOrDefault()?.RootNode as YamlMappingNode
                ?? throw new NodeConfigException($"{path} is empty or not a YAML mapping.");
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new NodeConfigException($"{path} is not valid YAML (line {e.Start.Line}): {e.Message}", e);
        }
        var config = Parse(root, path) with { SourceFile = Path.GetFullPath(path) };
        // a ZooKeeper member credential opens the whole closed cluster, its BMC passwords included
        if (config.ZooKeeperPassword is not null)
            RequireOwnerOnly(path, "the ZooKeeper password (database.zookeeper.password)");
        if (config.DnsDatabase?.Password is not null)
            RequireOwnerOnly(path, "the DNS database password (database.postgres.credentials.dns.password)");
        if (config.ZooKeeperTls is { } tls)
        {
            if (tls.KeyFile is not null)
                RequireOwnerOnly(tls.KeyFile, "the ZooKeeper client key (database.zookeeper.tls.key_file)");
            try
            {
                NodeConnection.CheckTls(tls);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or Core.Errors.PvcException)
            {
                throw new NodeConfigException($"{path}: database.zookeeper.tls: {e.Message}", e);
            }
        }
        return config;
    }

    /// <summary>Refuses a file that holds a secret and that others than its owner may read or write (as ssh does for keys).</summary>
    private static void RequireOwnerOnly(string path, string what)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(path))
            return;
        var mode = File.GetUnixFileMode(path);
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
            UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if ((mode & others) != 0)
            throw new NodeConfigException($"{path} holds {what} but others than its owner may read it (mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')}); " +
                $"run chmod 600 {path}.");
    }

    /// <summary>Validates a parsed document.</summary>
    public static NodeConfig Parse(YamlMappingNode root, string source)
    {
        string? Text(string key) => Find(root, key) switch
        {
            null => null,
            YamlScalarNode s => s.Value,
            _ => throw new NodeConfigException($"{source}: '{key}' must be a single value."),
        };
        IReadOnlyList<string> List(string key) => Find(root, key) switch
        {
            null => [],
            YamlSequenceNode seq => [.. seq.Children.Select(c => (c as YamlScalarNode)?.Value ?? throw new NodeConfigException($"{source}: '{key}' must be a list of names."))],
            YamlScalarNode s when string.IsNullOrEmpty(s.Value) => [],
            _ => throw new NodeConfigException($"{source}: '{key}' must be a list."),
        };
        int Int(string key, int fallback, int min)
        {
            var text = Text(key);
            if (text is null)
                return fallback;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
                throw new NodeConfigException($"{source}: '{key}' is '{text}'; it must be a whole number of at least {min}.");
            return value;
        }
        FenceAction Action(string key, FenceAction fallback) => Text(key) switch
        {
            null => fallback,
            "migrate" => FenceAction.Migrate,
            "none" => FenceAction.None,
            var t => throw new NodeConfigException($"{source}: '{key}' is '{t}'; it must be migrate or none."),
        };
        bool Bool(string key) => Text(key) is { } t && (bool.TryParse(t, out var b) ? b : throw new NodeConfigException($"{source}: '{key}' is '{t}'; it must be true or false."));

        var cluster = Text("cluster.name") ?? throw new NodeConfigException($"{source}: 'cluster.name' is required.");
        var coordinators = List("cluster.coordinator_nodes");
        if (coordinators.FirstOrDefault(c => !NodeName.IsValid(c)) is { } badCoordinator)
            throw new NodeConfigException($"{source}: 'cluster.coordinator_nodes' has '{badCoordinator}', which is not a node name: {NodeName.Rule}.");
        var name = Text("node.name") ?? System.Net.Dns.GetHostName().Split('.')[0];
        // the name becomes /nodes/<name>: "hv1/x" would register inside hv1's keys
        if (!NodeName.IsValid(name))
            throw new NodeConfigException($"{source}: 'node.name' is '{name}', which is not a node name: {NodeName.Rule}" +
                (Text("node.name") is null ? " (it is this host's short name; set node.name)." : "."));
        var port = Int("database.zookeeper.port", 2181, 1);
        var zookeeper = Text("node.zookeeper") ?? (coordinators.Count > 0 ? string.Join(',', coordinators.Select(c => $"{c}:{port}"))
            : throw new NodeConfigException($"{source}: 'cluster.coordinator_nodes' is empty, so there is no ZooKeeper to connect to (or set 'node.zookeeper')."));
        var zkUser = Text("database.zookeeper.username");
        var zkPassword = Text("database.zookeeper.password");
        if ((zkUser is null) != (zkPassword is null) || zkUser == "" || zkPassword == "")
            throw new NodeConfigException($"{source}: 'database.zookeeper.username' and 'database.zookeeper.password' go together, both non-empty.");
        if (zkUser is not null)
        {
            try
            {
                // Core's own check of a digest user (no ':', no control characters), so the service cannot fail on it later
                _ = new Pvc.Core.Security.ClusterCredential(zkUser, zkPassword!);
            }
            catch (PvcException e) when (e.Kind == PvcErrorKind.InvalidArgument)
            {
                throw new NodeConfigException($"{source}: 'database.zookeeper.username': {e.Message}", e);
            }
        }
        ZooKeeperTlsSettings? tls = null;
        if (Find(root, "database.zookeeper.tls") is not null)
            tls = new ZooKeeperTlsSettings
            {
                CaFile = Text("database.zookeeper.tls.ca_file") ?? throw new NodeConfigException($"{source}: 'database.zookeeper.tls' needs 'ca_file', the servers' certificate authority (PEM)."),
                CertificateFile = Text("database.zookeeper.tls.certificate_file"),
                KeyFile = Text("database.zookeeper.tls.key_file"),
                ServerName = Text("database.zookeeper.tls.server_name"),
            };
        var selector = Text("migration.target_selector") ?? "mem";
        if (selector is not ("mem" or "memprov" or "load" or "vcpus" or "vms"))
            throw new NodeConfigException($"{source}: 'migration.target_selector' is '{selector}'; it must be mem, memprov, load, vcpus or vms.");
        string? Device(string key) => Text(key) is { } device
            ? (DeviceName().IsMatch(device) ? device : throw new NodeConfigException($"{source}: '{key}' is '{device}', which is not an interface name (1 to 15 letters, digits, '.', '_' or '-')."))
            : null;
        var networks = new NetworkSettings
        {
            ClusterDevice = Device("cluster.networks.cluster.device"),
            ClusterMtu = Int("cluster.networks.cluster.mtu", 1500, 576 + NetworkSettings.VxlanOverhead),
            BridgeDevice = Device("guest_networking.bridge_device"),
            BridgeMtu = Int("guest_networking.bridge_mtu", 1500, 576),
            FloatingAddresses = FloatingAddresses(Text, Device, source),
        };
        var ceph = ParseCeph(root, source, Text, List, Int, coordinators);
        DnsDatabaseSettings? dnsDatabase = null;
        if (Text("database.postgres.hostname") is { Length: > 0 } pgHost)
        {
            if (pgHost.Any(char.IsControl) || pgHost.Contains(';', StringComparison.Ordinal))
                throw new NodeConfigException($"{source}: 'database.postgres.hostname' is not a host name, address or socket directory.");
            string Word(string key, string fallback) => Text(key) is { } word
                ? (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? word
                    : throw new NodeConfigException($"{source}: '{key}' is '{word}'; it must be letters, digits, '_' or '-'."))
                : fallback;
            dnsDatabase = new DnsDatabaseSettings
            {
                Host = pgHost,
                Port = Int("database.postgres.port", 5432, 1) is var pgPort and <= 65535 ? pgPort
                    : throw new NodeConfigException($"{source}: 'database.postgres.port' must be a port number (1 to 65535)."),
                Database = Word("database.postgres.credentials.dns.database", "pvcdns"),
                User = Word("database.postgres.credentials.dns.username", "pvcdns"),
                Password = Text("database.postgres.credentials.dns.password") is { Length: > 0 } pgPassword
                    ? (pgPassword.Any(char.IsControl) ? throw new NodeConfigException($"{source}: 'database.postgres.credentials.dns.password' has a control character.") : pgPassword)
                    : null,
                UpstreamDomain = Text("cluster.networks.upstream.domain") is { Length: > 0 } upstreamDomain ? upstreamDomain : "pvc.local",
            };
        }
        string Folder(string key, string fallback) => Text(key) is { Length: > 0 } folder ? (Path.IsPathRooted(folder) && !folder.Any(char.IsControl) ? Path.GetFullPath(folder)
            : throw new NodeConfigException($"{source}: '{key}' is '{folder}'; it must be an absolute path.")) : fallback;
        bool Flag(string key, bool fallback) => Text(key) is null ? fallback : Bool(key);
        var logging = new NodeLogSettings
        {
            Stdout = Flag("logging.stdout_logging", true),
            File = Flag("logging.file_logging", false),
            ZooKeeper = Flag("logging.zookeeper_logging", true),
            Debug = Flag("logging.debug_logging", false),
            Colours = Flag("logging.log_colours", false),
            Dates = Flag("logging.log_dates", true),
            Keepalives = Flag("logging.log_keepalives", false),
            ClusterDetails = Flag("logging.log_cluster_details", false),
            NodeLogLines = Int("logging.node_log_lines", 2000, 1) is var nodeLines and <= 100_000 ? nodeLines
                : throw new NodeConfigException($"{source}: 'logging.node_log_lines' must be from 1 to 100000."),
            ConsoleLogLines = Int("logging.console_log_lines", 1000, 1) is var consoleLines and <= 100_000 ? consoleLines
                : throw new NodeConfigException($"{source}: 'logging.console_log_lines' must be from 1 to 100000."),
            Directory = Folder("path.system_log_directory", "/var/log/pvc"),
            ConsoleDirectory = Folder("path.console_log_directory", "/var/log/libvirt"),
        };
        System.Net.IPEndPoint? metrics = null;
        Uri? cephMetrics = null;
        if (Flag("subsystem.enable_prometheus", false))
        {
            // fetched by the node service at each scrape: an absolute http(s) URL of a host, nothing else
            if (Text("metrics.ceph_url") is { } cephUrl)
                cephMetrics = Uri.TryCreate(cephUrl, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" && parsed.UserInfo.Length == 0
                    && parsed.Query.Length == 0 && parsed.Fragment.Length == 0 && parsed.HostNameType is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6
                    ? parsed
                    : throw new NodeConfigException($"{source}: 'metrics.ceph_url' is '{cephUrl}', which is not an http or https URL of a host (without user, query or fragment).");
            var listen = Text("metrics.listen_address") ?? "127.0.0.1";
            if (!System.Net.IPAddress.TryParse(listen, out var metricsAddress))
                throw new NodeConfigException($"{source}: 'metrics.listen_address' is '{listen}', which is not an IP address.");
            var metricsPort = Int("metrics.listen_port", 7372, 1);
            if (metricsPort > 65535)
                throw new NodeConfigException($"{source}: 'metrics.listen_port' must be from 1 to 65535.");
            metrics = new System.Net.IPEndPoint(metricsAddress, metricsPort);
        }
        return new NodeConfig
        {
            MetricsListen = metrics,
            MetricsCephUrl = cephMetrics,
            Ceph = ceph,
            DnsDatabase = dnsDatabase,
            Logging = logging,
            Networks = networks,
            ClusterName = cluster,
            CoordinatorNodes = coordinators,
            NodeName = name,
            ZooKeeper = zookeeper,
            KeepaliveInterval = TimeSpan.FromSeconds(Int("timer.keepalive_interval", 5, 1)),
            MonitoringInterval = TimeSpan.FromSeconds(Int("timer.monitoring_interval", 15, 1)),
            PluginDirectory = Folder("path.plugin_directory", "/usr/share/pvc/plugins"),
            DisabledHealthPlugins = List("health.disabled_plugins"),
            Postgres = dnsDatabase is { } database ? new PostgresSettings(database.Host, database.Port) : null,
            VmShutdownTimeout = TimeSpan.FromSeconds(Int("timer.vm_shutdown_timeout", 180, 1)),
            MigrationTargetSelector = selector,
            LibvirtUri = Text("node.libvirt_uri") ?? "qemu:///system",
            DomainTypeOverride = Text("node.domain_type"),
            RemoveDevices = List("node.remove_devices"),
            MigrationUriTemplate = Text("node.migration_uri"),
            MigrationPeerTimeout = TimeSpan.FromSeconds(Int("node.migration_peer_timeout", 30, 1)),
            AutoReady = Bool("node.autoready"),
            TaskRetention = TimeSpan.FromSeconds(Int("timer.task_retention", (int)Pvc.Core.Tasks.ClusterTaskStore.DefaultRetention.TotalSeconds, 1)),
            FlushConcurrency = Int("node.flush_concurrency", 1, 1),
            FlushOnStop = Bool("node.flush_on_stop"),
            RunDirectory = Text("node.run_directory") is { Length: > 0 } run ? (Path.IsPathRooted(run) ? run
                : throw new NodeConfigException($"{source}: 'node.run_directory' is '{run}'; it must be an absolute path.")) : "/run/pvc",
            UploadDirectory = Folder("node.upload_directory", "/var/lib/pvc/upload"),
            IpmiHostname = Text("fencing.ipmi.hostname"),
            IpmiUsername = Text("fencing.ipmi.username"),
            IpmiPassword = Text("fencing.ipmi.password"),
            ZooKeeperUser = zkUser,
            ZooKeeperPassword = zkPassword,
            ZooKeeperTls = tls,
            Fencing = new FencingSettings
            {
                // keepalives are written once an interval and read twice an interval: a healthy node can look silent
                // for an interval and a half, so one interval would mark healthy nodes dead (and, without saving
                // throws, fence them)
                FenceIntervals = Int("fencing.intervals.fence_intervals", 6, 2),
                SavingThrows = Int("fencing.intervals.saving_throws", 6, 0),
                SuicideIntervals = Int("fencing.intervals.suicide_intervals", Int("fencing.intervals.suicide_interval", 0, 0), 0),
                SuccessfulFence = Action("fencing.actions.successful_fence", FenceAction.Migrate),
                FailedFence = Action("fencing.actions.failed_fence", FenceAction.None),
                IpmiCipherSuite = Text("fencing.ipmi.cipher_suite") is "auto" ? null : Int("fencing.ipmi.cipher_suite", 3, 0) is var suite and <= 17 ? suite
                    : throw new NodeConfigException($"{source}: 'fencing.ipmi.cipher_suite' must be a cipher suite number from 0 to 17, or auto."),
            },
        };
    }

    /// <summary>
    /// The floating addresses of the upstream, cluster and storage networks (PVC's phases C and D, in that order): each
    /// network with a <c>ipv4.floating_address</c> needs its <c>device</c> and <c>ipv4.netmask</c> (a prefix length).
    /// </summary>
    private static IReadOnlyList<FloatingAddress> FloatingAddresses(Func<string, string?> text, Func<string, string?> device, string source)
    {
        var list = new List<FloatingAddress>();
        foreach (var name in new[] { "upstream", "cluster", "storage" })
        {
            var key = $"cluster.networks.{name}";
            if (text($"{key}.ipv4.floating_address") is not { Length: > 0 } floating)
                continue;
            if (!System.Net.IPAddress.TryParse(floating, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
                throw new NodeConfigException($"{source}: '{key}.ipv4.floating_address' is '{floating}', which is not an IPv4 address.");
            var maskText = text($"{key}.ipv4.netmask");
            if (!int.TryParse(maskText, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix is < 1 or > 32)
                throw new NodeConfigException($"{source}: '{key}.ipv4.netmask' is '{maskText}'; with a floating address it must be the prefix length, 1 to 32.");
            var dev = device($"{key}.device") ?? throw new NodeConfigException($"{source}: '{key}.device' is required with a floating address: the interface it goes on.");
            list.Add(new FloatingAddress(name, dev, address, prefix));
        }
        return list;
    }

    /// <summary>
    /// The <c>ceph</c> section, or null: storage is off (<c>subsystem.enable_storage: false</c>) or the file has no
    /// <c>ceph</c> section (a PVC pvc.conf always has one; a node without Ceph leaves it out). The configuration file
    /// must exist: a node told to use Ceph that cannot would fail every keepalive and storage task instead.
    /// </summary>
    private static CephSettings? ParseCeph(YamlMappingNode root, string source, Func<string, string?> text, Func<string, IReadOnlyList<string>> list,
        Func<string, int, int, int> integer, IReadOnlyList<string> coordinators)
    {
        var enabled = text("subsystem.enable_storage") switch
        {
            null => true,
            var t when bool.TryParse(t, out var b) => b,
            var t => throw new NodeConfigException($"{source}: 'subsystem.enable_storage' is '{t}'; it must be true or false."),
        };
        if (!enabled || Find(root, "ceph") is null)
            return null;
        var directory = text("path.ceph_directory") ?? "/etc/ceph";
        string FileOf(string key, string fallback)
        {
            var name = text(key) ?? fallback;
            if (name.Length == 0 || name.Any(char.IsControl))
                throw new NodeConfigException($"{source}: '{key}' must name a file.");
            return Path.Combine(directory, name);
        }
        var config = FileOf("ceph.ceph_config_file", "ceph.conf");
        if (!File.Exists(config))
            throw new NodeConfigException($"{source}: the Ceph configuration {config} ('path.ceph_directory' and 'ceph.ceph_config_file') does not exist; " +
                "fix the path, or set 'subsystem.enable_storage: false' to run this node without Ceph.");
        var secret = text("ceph.secret_uuid");
        Guid? secretUuid = string.IsNullOrEmpty(secret) ? null : Guid.TryParse(secret, out var g) ? g
            : throw new NodeConfigException($"{source}: 'ceph.secret_uuid' is '{secret}'; it must be a UUID (the libvirt secret of the Ceph key).");
        var monitors = list("ceph.monitor_hosts");
        if (monitors.FirstOrDefault(m => m.Length == 0 || m[0] == '-' || m.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':'))) is { } badMonitor)
            throw new NodeConfigException($"{source}: 'ceph.monitor_hosts' has '{badMonitor}', which is not a host name or address.");
        return new CephSettings
        {
            ConfigFile = config,
            KeyringFile = FileOf("ceph.ceph_keyring_file", "ceph.client.admin.keyring"),
            SecretUuid = secretUuid,
            MonitorPort = integer("ceph.monitor_port", 6789, 1) is var port and <= 65535 ? port
                : throw new NodeConfigException($"{source}: 'ceph.monitor_port' must be a port number (1 to 65535)."),
            MonitorHosts = monitors.Count > 0 ? monitors : coordinators,
        };
    }

    private static YamlNode? Find(YamlMappingNode root, string dottedKey)
    {
        YamlNode? node = root;
        foreach (var part in dottedKey.Split('.'))
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(part), out node))
                return null;
        }
        return node;
    }
}
