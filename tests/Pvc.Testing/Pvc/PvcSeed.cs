using System.Globalization;
using System.Text;
using Pvc.ZooKeeper;

namespace Pvc.Testing.Pvc;

/// <summary>
/// Writes cluster state the way PVC 1.0.3 writes it (raw znodes, PVC's strings: "True"/"False", "None",
/// comma lists), independently of Pvc.Core's writers, so tests check that Core reads what PVC writes.
/// </summary>
public static class PvcSeed
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>Base keys as an initialised v15 cluster has them.</summary>
    public static async Task InitAsync(ZooKeeperClient zk, string name = "pvc-test", string selector = "mem", string primary = "none")
    {
        var ops = new List<Op>();
        foreach (var (path, value) in new (string, string)[]
        {
            ("/schema", ""), ("/schema/version", "15"), ("/config", name), ("/config/maintenance", "false"),
            ("/config/fence_lock", ""), ("/config/primary_node", primary), ("/config/primary_node/sync_lock", ""),
            ("/config/upstream_ip", "10.0.0.250/24"), ("/config/migration_target_selector", selector), ("/logs", ""),
            ("/faults", ""), ("/nodes", ""), ("/domains", ""), ("/networks", ""), ("/ceph", ""), ("/ceph/health", ""),
            ("/ceph/util", ""), ("/ceph/osds", ""), ("/ceph/pools", ""), ("/ceph/volumes", ""), ("/ceph/snapshots", ""),
        })
            ops.Add(Op.Create(path, B(value)));
        await zk.MultiAsync(ops);
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

    /// <summary>Libvirt XML for a small test VM.</summary>
    public static string Xml(Guid uuid, string name, int memoryMiB = 1024, int vcpus = 2, string? rbd = null) => $"""
        <domain type="kvm">
          <name>{name}</name>
          <uuid>{uuid}</uuid>
          <description>test VM {name}</description>
          <memory unit="MiB">{memoryMiB}</memory>
          <vcpu>{vcpus}</vcpu>
          <os><type arch="x86_64" machine="pc">hvm</type></os>
          <devices>
            {(rbd is null ? "" : $"<disk type=\"network\" device=\"disk\"><source protocol=\"rbd\" name=\"{rbd}\"/><target dev=\"sda\" bus=\"scsi\"/></disk>")}
            <interface type="bridge"><mac address="52:54:00:AA:BB:{Math.Abs(uuid.GetHashCode()) % 256:X2}"/><source bridge="vmbr100"/><model type="virtio"/></interface>
          </devices>
        </domain>
        """;

    /// <summary>A VM exactly as PVC's define_vm writes it (profile "None", empty strings, "True"/"False").</summary>
    public static async Task<Guid> AddVmAsync(ZooKeeperClient zk, string name, string node, string state = "start", Guid? uuid = null,
        string lastNode = "", string nodeLimit = "", string selector = "none", string autostart = "False", string method = "none",
        string profile = "None", string? xml = null, IEnumerable<(string Tag, bool Protected)>? tags = null)
    {
        var id = uuid ?? Guid.NewGuid();
        var p = $"/domains/{id}";
        var ops = new List<Op> { Op.Create(p, B(name)) };
        foreach (var (key, value) in new (string, string)[]
        {
            ("xml", xml ?? Xml(id, name)), ("state", state), ("profile", profile), ("stats", ""), ("node", node),
            ("lastnode", lastNode), ("failedreason", ""), ("rbdlist", ""), ("consolelog", ""), ("vnc", ""),
            ("node_autostart", autostart), ("migration_method", method), ("migration_max_downtime", "300"),
            ("node_limit", nodeLimit), ("node_selector", selector), ("tags", ""), ("migrate_sync_lock", ""), ("snapshots", ""),
        })
            ops.Add(Op.Create($"{p}/{key}", B(value)));
        foreach (var (tag, isProtected) in tags ?? [])
        {
            ops.Add(Op.Create($"{p}/tags/{tag}", B(tag)));
            ops.Add(Op.Create($"{p}/tags/{tag}/type", B("user")));
            ops.Add(Op.Create($"{p}/tags/{tag}/protected", B(isProtected ? "True" : "False")));
        }
        await zk.MultiAsync(ops);
        return id;
    }

    /// <summary>A lock child as kazoo's Lock leaves it under a data znode (an ephemeral sequential node of this session).</summary>
    public static Task<string> AddLockChildAsync(ZooKeeperClient zk, string path, bool read = false) =>
        zk.CreateAsync($"{path}/{Guid.NewGuid():N}{(read ? "__rlock__" : "__lock__")}", B("kazoo-holder"), CreateMode.EphemeralSequential);

    /// <summary>Every znode under a path with its data, for before/after comparisons.</summary>
    public static async Task<SortedDictionary<string, string>> SnapshotAsync(ZooKeeperClient zk, string root = "/")
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var level = new List<string> { root };
        while (level.Count > 0)
        {
            var next = new List<string>();
            foreach (var path in level)
            {
                var data = await zk.GetDataAsync(path);
                result[path] = $"{Encoding.UTF8.GetString(data.Data)} (v{data.Stat.Version})";
                foreach (var child in (await zk.GetChildrenAsync(path)).Children)
                    next.Add(path == "/" ? "/" + child : $"{path}/{child}");
            }
            level = next;
        }
        return result;
    }
}
