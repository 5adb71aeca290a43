namespace Pvc.NodeService.Configuration;

/// <summary>
/// The node service's settings: the subset of PVC's <c>/etc/pvc/pvc.conf</c> it uses, with PVC's defaults, plus
/// Pvc's own <c>node</c> section (name, libvirt URI, XML adaptation, drain settings) for hosts that are not
/// named like PVC expects, or whose hypervisor is libvirt's test driver.
/// </summary>
public sealed record NodeConfig
{
    /// <summary><c>cluster.name</c>.</summary>
    public required string ClusterName { get; init; }
    /// <summary><c>cluster.coordinator_nodes</c>.</summary>
    public IReadOnlyList<string> CoordinatorNodes { get; init; } = [];
    /// <summary>This node's name: <c>node.name</c>, else the short host name.</summary>
    public required string NodeName { get; init; }
    /// <summary>ZooKeeper: <c>node.zookeeper</c> (a connection string), else the coordinators on <c>database.zookeeper.port</c>.</summary>
    public required string ZooKeeper { get; init; }
    /// <summary><c>timer.keepalive_interval</c>, default 5 s.</summary>
    public TimeSpan KeepaliveInterval { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary><c>timer.monitoring_interval</c>, default 15 s: how often the primary runs the cluster fault checks.</summary>
    public TimeSpan MonitoringInterval { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary><c>path.plugin_directory</c>, default /usr/share/pvc/plugins: the user's health plugins (executables; README.md, Node health).</summary>
    public string PluginDirectory { get; init; } = "/usr/share/pvc/plugins";

    /// <summary>
    /// <c>health.disabled_plugins</c> (Pvc's own key): health plugins not to load on this node, compiled or from the
    /// plugin directory, by name (PVC has no such key: its plugins are the directory's files).
    /// </summary>
    public IReadOnlyList<string> DisabledHealthPlugins { get; init; } = [];

    /// <summary><c>database.postgres</c>; null when pvc.conf names no PostgreSQL server (the postgres health plugin does not load).</summary>
    public PostgresSettings? Postgres { get; init; }

    /// <summary><c>timer.vm_shutdown_timeout</c>, default 180 s.</summary>
    public TimeSpan VmShutdownTimeout { get; init; } = TimeSpan.FromSeconds(180);
    /// <summary><c>migration.target_selector</c>, default mem.</summary>
    public string MigrationTargetSelector { get; init; } = "mem";
    /// <summary><c>node.libvirt_uri</c>, default qemu:///system.</summary>
    public string LibvirtUri { get; init; } = "qemu:///system";
    /// <summary><c>node.domain_type</c>: the domain type this hypervisor takes instead of the stored one (test, qemu).</summary>
    public string? DomainTypeOverride { get; init; }
    /// <summary><c>node.remove_devices</c>: device elements this hypervisor cannot take.</summary>
    public IReadOnlyList<string> RemoveDevices { get; init; } = [];
    /// <summary><c>node.migration_uri</c>: the libvirt URI of a target, <c>{node}</c> replaced by its name (PVC: qemu+tcp://{node}/system); none: shutdown migration.</summary>
    public string? MigrationUriTemplate { get; init; }
    /// <summary>
    /// <c>node.migration_peer_timeout</c> (seconds): how long each side of a migration waits for the other on
    /// <c>migrate_sync_lock</c> before it gives up, default 30 s (PVC's fixed value).
    /// </summary>
    public TimeSpan MigrationPeerTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>
    /// <c>timer.task_retention</c> (seconds): how long a finished cluster task is kept before the primary prunes it;
    /// default one day (<see cref="Pvc.Core.Tasks.ClusterTaskStore.DefaultRetention"/>). Only the primary's value acts.
    /// </summary>
    public TimeSpan TaskRetention { get; init; } = Pvc.Core.Tasks.ClusterTaskStore.DefaultRetention;

    /// <summary>
    /// Where the Prometheus endpoint listens (<c>subsystem.enable_prometheus: true</c>, <c>metrics.listen_address</c>
    /// default 127.0.0.1, <c>metrics.listen_port</c> default 7372), or null when it is off (the default). Every node serves
    /// its own process metrics there; the primary adds PVC's cluster metrics.
    /// </summary>
    public System.Net.IPEndPoint? MetricsListen { get; init; }

    /// <summary>
    /// <c>metrics.ceph_url</c>: the Ceph manager prometheus module's metrics page the primary's ceph part is fetched from
    /// (e.g. <c>http://10.0.0.1:9283/metrics</c>), or null (the default) to take the address the manager map advertises.
    /// </summary>
    public Uri? MetricsCephUrl { get; init; }

    /// <summary><c>node.autoready</c>: make the node ready when its service starts (PVC's autoready), default false.</summary>
    public bool AutoReady { get; init; }
    /// <summary><c>node.flush_concurrency</c>: migrations at once during a flush, default 1 (as PVC).</summary>
    public int FlushConcurrency { get; init; } = 1;
    /// <summary><c>node.flush_on_stop</c>: drain the node before the service stops, default false.</summary>
    public bool FlushOnStop { get; init; }
    /// <summary>
    /// <c>node.run_directory</c>: where the service keeps what must outlive its own restarts but not a reboot (the
    /// stamp of its last keepalive, for self-fencing), default /run/pvc (a tmpfs, emptied at boot).
    /// </summary>
    public string RunDirectory { get; init; } = "/run/pvc";
    /// <summary>
    /// <c>node.upload_directory</c> (Pvc's own key): where a volume upload keeps its scratch files on this node (the
    /// raw bytes qemu-img converts an image into, and what the upload made in Ceph until its keys are written), one
    /// folder a task, mode 0700; default /var/lib/pvc/upload. It must be on a disk with room for the largest image
    /// converted, never a tmpfs such as /tmp or /run (a converted image would fill the node's memory).
    /// </summary>
    public string UploadDirectory { get; init; } = "/var/lib/pvc/upload";
    /// <summary><c>fencing.ipmi.hostname</c>.</summary>
    public string? IpmiHostname { get; init; }
    /// <summary><c>fencing.ipmi.username</c>.</summary>
    public string? IpmiUsername { get; init; }
    /// <summary><c>fencing.ipmi.password</c> (never logged).</summary>
    public string? IpmiPassword { get; init; }

    /// <summary>
    /// <c>database.zookeeper.username</c> (Pvc's own): the cluster member's digest user, the same on every node. Without
    /// it the node connects anonymously, which only an open (PVC-compatible) cluster allows.
    /// </summary>
    public string? ZooKeeperUser { get; init; }
    /// <summary><c>database.zookeeper.password</c> (never logged; the file must then be mode 0600).</summary>
    public string? ZooKeeperPassword { get; init; }
    /// <summary><c>database.zookeeper.tls</c>, or null for plain TCP.</summary>
    public ZooKeeperTlsSettings? ZooKeeperTls { get; init; }

    /// <summary>The file the settings were read from (the primary's DHCP lease hook reads it again), or null.</summary>
    public string? SourceFile { get; init; }

    /// <summary>The devices and MTUs the cluster's client networks are built on.</summary>
    public NetworkSettings Networks { get; init; } = new();

    /// <summary>The <c>logging</c> section and the log folders.</summary>
    public NodeLogSettings Logging { get; init; } = new();

    /// <summary>The <c>fencing</c> intervals and actions.</summary>
    public FencingSettings Fencing { get; init; } = new();

    /// <summary>How this node reaches Ceph (the <c>ceph</c> section), or null when storage is not configured here.</summary>
    public CephSettings? Ceph { get; init; }

    /// <summary>The DNS aggregator's database (<c>database.postgres</c>); null when pvc.conf names no PostgreSQL host: the primary runs no aggregator.</summary>
    public DnsDatabaseSettings? DnsDatabase { get; init; }

    /// <summary>True when this node is a coordinator.</summary>
    public bool IsCoordinator => CoordinatorNodes.Contains(NodeName);

    /// <summary>The record's text without the passwords, so that logging a configuration never shows them.</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"ClusterName = {ClusterName}, NodeName = {NodeName}, ZooKeeper = {ZooKeeper}, LibvirtUri = {LibvirtUri}, IpmiHostname = {IpmiHostname}, IpmiUsername = {IpmiUsername}, IpmiPassword = {(IpmiPassword is null ? "" : "***")}, ZooKeeperUser = {ZooKeeperUser}, ZooKeeperPassword = {(ZooKeeperPassword is null ? "" : "***")}, ZooKeeperTls = {(ZooKeeperTls is null ? "off" : "on")}, Ceph = {(Ceph is null ? "off" : Ceph.ConfigFile)}, DnsDatabase = {(DnsDatabase is null ? "off" : DnsDatabase.ToString())}");
        return true;
    }
}
