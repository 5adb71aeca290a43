namespace Pvc.Core.Schema;

/// <summary>Keys of a VM, <c>/domains/&lt;uuid&gt;</c> (schema v15 <c>domain.*</c>), its tags and its snapshots.</summary>
public static class DomainKeys
{
#pragma warning disable CS1591 // the names are PVC's keys; the inventory documents each
    public const string Root = "";
    public const string Xml = "/xml";
    public const string State = "/state";
    public const string Profile = "/profile";
    public const string Stats = "/stats";
    public const string Node = "/node";
    public const string LastNode = "/lastnode";
    public const string FailedReason = "/failedreason";
    public const string StorageVolumes = "/rbdlist";
    public const string ConsoleLog = "/consolelog";
    public const string ConsoleVnc = "/vnc";
    public const string Autostart = "/node_autostart";
    public const string MigrationMethod = "/migration_method";
    public const string MigrationMaxDowntime = "/migration_max_downtime";
    public const string NodeSelector = "/node_selector";
    public const string NodeLimit = "/node_limit";
    public const string Tags = "/tags";
    public const string MigrateSyncLock = "/migrate_sync_lock";
    public const string Snapshots = "/snapshots";

    public const string TagType = "/type";
    public const string TagProtected = "/protected";

    public const string SnapshotTimestamp = "/timestamp";
    public const string SnapshotXml = "/xml";
    public const string SnapshotRbdList = "/rbdsnaplist";
#pragma warning restore CS1591

    /// <summary>The VM element schema; validation defaults migration_max_downtime to "300".</summary>
    public static ElementSchema Schema { get; } = new("domain", BaseKeys.Domains,
    [
        Root, Xml, State, Profile, Stats, Node, LastNode, FailedReason, StorageVolumes, ConsoleLog, ConsoleVnc,
        Autostart, MigrationMethod, MigrationMaxDowntime, NodeSelector, NodeLimit, Tags, MigrateSyncLock, Snapshots,
    ], new Dictionary<string, string> { [MigrationMaxDowntime] = "300" });

    /// <summary>A key's path for a VM.</summary>
    public static string Path(Guid uuid, string key = Root) => Schema.Path(Format(uuid), key);

    /// <summary>A tag's root (<paramref name="key"/> ""), type or protected flag.</summary>
    public static string TagPath(Guid uuid, string tag, string key = "") => $"{Path(uuid, Tags)}/{tag}{key}";

    /// <summary>A snapshot's root or one of its keys.</summary>
    public static string SnapshotPath(Guid uuid, string snapshot, string key = "") => $"{Path(uuid, Snapshots)}/{snapshot}{key}";

    /// <summary>PVC's UUID form: lowercase with dashes.</summary>
    public static string Format(Guid uuid) => uuid.ToString("D");
}
