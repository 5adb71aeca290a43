using System.Globalization;
using System.Text;
using Pvc.ZooKeeper;

namespace Pvc.Testing.Pvc;

/// <summary>
/// The one seeder of every test project, the sandbox and the benchmarks: writes cluster state the way PVC 1.0.3
/// writes it (raw znodes, PVC's strings: "True"/"False", "None", comma lists), independently of Pvc.Core's writers,
/// so tests check that Core reads what PVC writes; and reads trees back (<see cref="DumpAsync"/>). Keys one by one
/// go through a <see cref="SeedBatch"/>. Split by what it writes: base and nodes here, VMs, faults, Ceph, and the
/// tree itself (parents, kazoo lock children, dumps) in the other parts.
/// </summary>
public static partial class PvcSeed
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>Base keys as an initialised v15 cluster has them, in one transaction.</summary>
    public static Task InitAsync(ZooKeeperClient zk, string name = "pvc-test", string selector = "mem", string primary = "none")
    {
        var batch = Batch(zk);
        foreach (var (path, value) in new (string, string)[]
        {
            ("/schema", ""), ("/schema/version", "15"), ("/config", name), ("/config/maintenance", "false"),
            ("/config/fence_lock", ""), ("/config/primary_node", primary), ("/config/primary_node/sync_lock", ""),
            ("/config/upstream_ip", "10.0.0.250/24"), ("/config/migration_target_selector", selector), ("/logs", ""),
            ("/faults", ""), ("/nodes", ""), ("/domains", ""), ("/networks", ""),
        })
            batch.Add(path, value);
        return batch.AddStorageBase().CommitAsync();
    }

    /// <summary>
    /// An initialised cluster (<see cref="InitAsync"/>) with <paramref name="nodes"/> run/ready coordinators hv1, hv2, ...;
    /// hvN has 20000 + N * 1000 MiB free, so that placement by memory has an order.
    /// </summary>
    public static async Task ClusterAsync(ZooKeeperClient zk, string name = "pvc-test", int nodes = 3)
    {
        await InitAsync(zk, name);
        for (var i = 1; i <= nodes; i++)
            await AddNodeAsync(zk, $"hv{i}", memFree: 20000 + (i * 1000));
    }

    /// <summary>A node as its daemon's startup and keepalive leave it.</summary>
    public static async Task AddNodeAsync(ZooKeeperClient zk, string name, string daemonState = "run", string domainState = "ready",
        string routerState = "secondary", string mode = "coordinator", long memTotal = 32768, long memUsed = 4096, long memFree = 28672,
        long memProv = 0, int cpus = 16, double load = 0.5, int vcpuAlloc = 0, int domainCount = 0, string runningDomains = "")
    {
        var p = $"/nodes/{name}";
        var ops = new List<Op> { Op.Create(p, B(mode)) };
        foreach (var (key, value) in new (string, string)[]
        {
            ("keepalive", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)), ("daemonmode", mode),
            ("activeschema", "15"), ("latestschema", "15"), ("staticdata", $"{cpus} 6.1.0-28-amd64 GNU/Linux x86_64"),
            ("pvcversion", "1.0.3"), ("runningdomains", runningDomains), ("domainscount", I(domainCount)), ("networkscount", "0"),
            ("daemonstate", daemonState), ("routerstate", routerState), ("domainstate", domainState),
            ("cpuload", load.ToString(CultureInfo.InvariantCulture)), ("vcpualloc", I(vcpuAlloc)), ("memtotal", I(memTotal)),
            ("memused", I(memUsed)), ("memfree", I(memFree)), ("memalloc", "0"), ("memprov", I(memProv)),
            ("ipmihostname", $"{name}-lom"), ("ipmiusername", "admin"), ("ipmipassword", "s3cret-ipmi"), ("sriov", ""),
            ("sriov/pf", ""), ("sriov/vf", ""), ("monitoring_plugins", ""), ("monitoring_data", ""), ("monitoring_health", "None"),
            ("network_stats", "{}"),
        })
            ops.Add(Op.Create($"{p}/{key}", B(value)));
        await zk.MultiAsync(ops);
    }

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
}
