namespace Pvc.Core.Schema;

/// <summary>PVC's base keys (schema v15 <c>base.*</c>): absolute paths.</summary>
public static class BaseKeys
{
    /// <summary>The schema folder.</summary>
    public const string Schema = "/schema";
    /// <summary>The cluster's schema version, an integer string.</summary>
    public const string SchemaVersion = "/schema/version";
    /// <summary>The cluster name.</summary>
    public const string Config = "/config";
    /// <summary>Maintenance mode, "true"/"false" (lowercase, unlike other booleans).</summary>
    public const string Maintenance = "/config/maintenance";
    /// <summary>The fence monitor's lock node.</summary>
    public const string FenceLock = "/config/fence_lock";
    /// <summary>The primary coordinator's name, or "none".</summary>
    public const string PrimaryNode = "/config/primary_node";
    /// <summary>Read/write lock node for takeover phases.</summary>
    public const string PrimaryNodeSyncLock = "/config/primary_node/sync_lock";
    /// <summary>The upstream floating address with prefix.</summary>
    public const string UpstreamIp = "/config/upstream_ip";
    /// <summary>The cluster's default target selector.</summary>
    public const string MigrationTargetSelector = "/config/migration_target_selector";
    /// <summary>Node logs.</summary>
    public const string Logs = "/logs";
    /// <summary>Faults.</summary>
    public const string Faults = "/faults";
    /// <summary>Nodes.</summary>
    public const string Nodes = "/nodes";
    /// <summary>VMs, by UUID.</summary>
    public const string Domains = "/domains";
    /// <summary>Networks, by VNI.</summary>
    public const string Networks = "/networks";
    /// <summary>Ceph status text.</summary>
    public const string Storage = "/ceph";
    /// <summary>Ceph health JSON.</summary>
    public const string StorageHealth = "/ceph/health";
    /// <summary>Ceph df text.</summary>
    public const string StorageUtil = "/ceph/util";
    /// <summary>OSDs, by id.</summary>
    public const string Osds = "/ceph/osds";
    /// <summary>Pools, by name.</summary>
    public const string Pools = "/ceph/pools";
    /// <summary>Volumes, by pool then name.</summary>
    public const string Volumes = "/ceph/volumes";
    /// <summary>Snapshots, by pool, volume, then name.</summary>
    public const string Snapshots = "/ceph/snapshots";

    /// <summary>Every base key, parents first: what cluster initialisation creates.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Schema, SchemaVersion, Config, Maintenance, FenceLock, PrimaryNode, PrimaryNodeSyncLock, UpstreamIp,
        MigrationTargetSelector, Logs, Faults, Nodes, Domains, Networks, Storage, StorageHealth, StorageUtil,
        Osds, Pools, Volumes, Snapshots,
    ];
}
