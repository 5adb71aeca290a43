using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Extensions.Logging.Abstractions;
using Pvc.Core.Schema;
using Pvc.Core.Tasks;
using Pvc.NodeService.Ceph;
using Pvc.NodeService.Tasks;
using Pvc.Testing.Ceph;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Tasks;

/// <summary>
/// The node a test runs a cluster task's handler (or work) on, in place of a node service: <see cref="Name"/> of a seeded
/// <see cref="TestCluster"/> of its own, its primary coordinator, with the Ceph lab's shared pool through librados as the
/// lab's admin client, or no Ceph configured. A test class makes one per test and disposes of it.
/// </summary>
public sealed class TaskHandlerNode : IAsyncDisposable
{
    /// <summary>The node's name: the primary, where the tasks run.</summary>
    public const string Name = "hv1";

    private readonly CephLab? _lab;

    private TaskHandlerNode(TestCluster cluster, CephAccess ceph, CephLab? lab)
    {
        Cluster = cluster;
        Ceph = ceph;
        _lab = lab;
    }

    /// <summary>The cluster, its nodes seeded, with <see cref="Name"/> the primary.</summary>
    public TestCluster Cluster { get; }

    /// <summary>The node's Ceph access: the lab's, or none configured.</summary>
    public CephAccess Ceph { get; }

    /// <summary>The Ceph lab the node reaches.</summary>
    public CephLab Lab => _lab ?? throw new InvalidOperationException("This node has no Ceph lab.");

    /// <summary>
    /// Seeds a cluster of <paramref name="nodes"/> nodes in a fresh chroot of <paramref name="zk"/>, <see cref="Name"/> its
    /// primary; with <paramref name="lab"/>, makes sure of its shared pool and reaches it.
    /// </summary>
    public static async Task<TaskHandlerNode> StartAsync(ZooKeeperFixture zk, CephLab? lab = null, int nodes = 1)
    {
        if (lab is not null)
            await lab.SharedPoolAsync();
        var ceph = lab is null ? new CephAccess((CephClientOptions?)null)
            : new CephAccess(new CephClientOptions { ConfigPath = lab.ConfigPath, ClientName = CephLab.AdminClient });
        try
        {
            var cluster = await TestCluster.StartAsync(zk, nodes);
            await cluster.Raw.SetDataAsync(BaseKeys.PrimaryNode, System.Text.Encoding.UTF8.GetBytes(Name));
            return new TaskHandlerNode(cluster, ceph, lab);
        }
        catch
        {
            ceph.Dispose();
            throw;
        }
    }

    /// <summary>The context the node's runner would give <paramref name="task"/>; <paramref name="progress"/> gets its reports.</summary>
    public ClusterTaskContext Context(ClusterTask task, List<ClusterTaskProgress>? progress = null) =>
        new(task, Cluster.Connection, Name, null, NullLogger.Instance, (p, _) =>
        {
            progress?.Add(p);
            return Task.CompletedTask;
        });

    /// <summary>A task of <paramref name="kind"/> claimed by the node, as its runner would hand it on.</summary>
    public static ClusterTask Claimed(string id, string kind, System.Text.Json.Nodes.JsonObject arguments) =>
        new() { Id = id, Kind = kind, Arguments = arguments, RunOn = Name };

    /// <summary>
    /// Seeds a VM on <paramref name="node"/> in <paramref name="state"/> (PvcSeed's XML) whose disks are RBD disks sda, sdb,
    /// ... of <paramref name="volumes"/> ("pool/volume") only: none, without.
    /// </summary>
    public async Task<Guid> AddVmAsync(string name, string node, string state, params string[] volumes)
    {
        var uuid = Guid.NewGuid();
        var xml = XDocument.Parse(PvcSeed.Xml(uuid, name));
        xml.Descendants("disk").Remove();
        var dev = 'a';
        foreach (var volume in volumes)
            xml.Root!.Element("devices")!.Add(new XElement("disk", new XAttribute("type", "network"), new XAttribute("device", "disk"),
                new XElement("source", new XAttribute("protocol", "rbd"), new XAttribute("name", volume)),
                new XElement("target", new XAttribute("dev", $"sd{dev++}"))));
        await PvcSeed.AddVmAsync(Cluster.Raw, name, node, state: state, uuid: uuid, xml: xml.ToString());
        return uuid;
    }

    /// <summary>The images of the lab's shared pool in Ceph (rbd ls).</summary>
    public async Task<List<string>> SharedPoolImagesAsync() =>
        JsonSerializer.Deserialize<List<string>>(await Lab.RbdAsync(["ls", "--format", "json", CephLab.SharedPool]))!;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Ceph.Dispose();
        await Cluster.DisposeAsync();
    }
}
