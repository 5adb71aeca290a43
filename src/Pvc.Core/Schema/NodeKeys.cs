namespace Pvc.Core.Schema;

/// <summary>Keys of a node, <c>/nodes/&lt;name&gt;</c> (schema v15 <c>node.*</c>).</summary>
public static class NodeKeys
{
#pragma warning disable CS1591 // the names are PVC's keys; the inventory documents each
    public const string Root = "";
    public const string Keepalive = "/keepalive";
    public const string Mode = "/daemonmode";
    public const string ActiveSchema = "/activeschema";
    public const string LatestSchema = "/latestschema";
    public const string StaticData = "/staticdata";
    public const string PvcVersion = "/pvcversion";
    public const string RunningDomains = "/runningdomains";
    public const string DomainCount = "/domainscount";
    public const string NetworkCount = "/networkscount";
    public const string DaemonState = "/daemonstate";
    public const string RouterState = "/routerstate";
    public const string DomainState = "/domainstate";
    public const string CpuLoad = "/cpuload";
    public const string VcpuAllocated = "/vcpualloc";
    public const string MemoryTotal = "/memtotal";
    public const string MemoryUsed = "/memused";
    public const string MemoryFree = "/memfree";
    public const string MemoryAllocated = "/memalloc";
    public const string MemoryProvisioned = "/memprov";
    public const string IpmiHostname = "/ipmihostname";
    public const string IpmiUsername = "/ipmiusername";
    public const string IpmiPassword = "/ipmipassword";

    /// <summary>
    /// Pvc's own key beside PVC's ipmi keys (not in PVC's schema, which leaves other children alone): the system GUID the
    /// node's own BMC reported when the node registered, which the fencer checks the BMC it reaches against.
    /// </summary>
    public const string IpmiSystemGuid = "/ipmisystemguid";
    public const string Sriov = "/sriov";
    public const string SriovPf = "/sriov/pf";
    public const string SriovVf = "/sriov/vf";
    public const string MonitoringPlugins = "/monitoring_plugins";
    public const string MonitoringData = "/monitoring_data";
    public const string MonitoringHealth = "/monitoring_health";
    public const string NetworkStats = "/network_stats";
#pragma warning restore CS1591

    /// <summary>The node element schema.</summary>
    public static ElementSchema Schema { get; } = new("node", BaseKeys.Nodes,
    [
        Root, Keepalive, Mode, ActiveSchema, LatestSchema, StaticData, PvcVersion, RunningDomains, DomainCount,
        NetworkCount, DaemonState, RouterState, DomainState, CpuLoad, VcpuAllocated, MemoryTotal, MemoryUsed,
        MemoryFree, MemoryAllocated, MemoryProvisioned, IpmiHostname, IpmiUsername, IpmiPassword, Sriov, SriovPf,
        SriovVf, MonitoringPlugins, MonitoringData, MonitoringHealth, NetworkStats,
    ]);

    /// <summary>A key's path for a node.</summary>
    public static string Path(string node, string key = Root) => Schema.Path(node, key);
}
