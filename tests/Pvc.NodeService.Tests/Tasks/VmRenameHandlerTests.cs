using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Extensions.Logging.Abstractions;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Tasks;
using Pvc.Core.Vms;
using Pvc.NodeService.Ceph;
using Pvc.NodeService.Tests.Ceph;
using Pvc.NodeService.Tasks;
using Pvc.Testing.Ceph;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Tasks;

/// <summary>
/// vm.rename on a node against the real Ceph lab and a real ZooKeeper, where its commit's answer is lost: the handler
/// reads the VM again and keeps the volumes' new names when the commit had landed, instead of renaming them back from
/// under the keys that name them.
/// </summary>
[Collection(CephLabCollection.Name)]
public sealed class VmRenameHandlerTests(CephLabFixture fixture, ZooKeeperFixture zk) : IClassFixture<ZooKeeperFixture>, IAsyncLifetime
{
    private TestCluster? _cluster;
    private CephAccess? _ceph;

    private CephLab Lab => fixture.Lab;

    public async Task InitializeAsync()
    {
        await Lab.SharedPoolAsync();
        _ceph = new CephAccess(new CephClientOptions { ConfigPath = Lab.ConfigPath, ClientName = CephLab.AdminClient });
        _cluster = await TestCluster.StartAsync(zk, nodes: 1);
    }

    public async Task DisposeAsync()
    {
        _ceph?.Dispose();
        if (_cluster is not null)
            await _cluster.DisposeAsync();
    }

    private async Task<List<string>> ImagesAsync() =>
        JsonSerializer.Deserialize<List<string>>(await Lab.RbdAsync(["ls", "--format", "json", CephLab.SharedPool]))!;

    [Fact]
    public async Task A_rename_whose_commit_landed_before_its_answer_was_lost_keeps_the_new_volume_names()
    {
        var c = _cluster!;
        await c.Raw.SetDataAsync(BaseKeys.PrimaryNode, System.Text.Encoding.UTF8.GetBytes("hv1"));
        var pool = CephLab.SharedPool;
        var old = CephLabFixture.UniqueName("rn");
        var renamed = CephLabFixture.UniqueName("rm");
        await Lab.RbdAsync(["create", "--size", "16M", $"{pool}/{old}_disk0"]);
        await PvcSeed.Batch(c.Raw).AddPool(pool, "8", "default").AddVolume(pool, $"{old}_disk0").CommitAsync();
        var uuid = Guid.NewGuid();
        var xml = XDocument.Parse(PvcSeed.Xml(uuid, old));
        xml.Descendants("disk").Remove();
        xml.Root!.Element("devices")!.Add(new XElement("disk", new XAttribute("type", "network"), new XAttribute("device", "disk"),
            new XElement("source", new XAttribute("protocol", "rbd"), new XAttribute("name", $"{pool}/{old}_disk0")), new XElement("target", new XAttribute("dev", "sda"))));
        await PvcSeed.AddVmAsync(c.Raw, old, "hv1", state: "stop", uuid: uuid, xml: xml.ToString());
        var vm = await c.Connection.Vms.ResolveAsync(old);
        var volumes = await c.Connection.Vms.PlanRenameAsync(vm, renamed);
        var task = await c.Connection.Vms.SubmitRenameAsync(vm, renamed, volumes);
        // the commit went through; its answer did not come back (a connection lost as it was sent)
        var handler = new VmRenameHandler(_ceph!) { Committed = _ => throw new Pvc.ZooKeeper.ConnectionLossException(null, "the answer to the commit was lost") };

        var result = await handler.RunAsync(new ClusterTaskContext(task, c.Connection, "hv1", null, NullLogger.Instance, (_, _) => Task.CompletedTask), default);

        Assert.Equal(renamed, result!["vm"]!.GetValue<string>());
        var images = await ImagesAsync();
        Assert.Contains($"{renamed}_disk0", images);
        Assert.DoesNotContain($"{old}_disk0", images);
        var read = await c.Connection.Vms.GetAsync(uuid);
        Assert.Equal((renamed, $"{pool}/{renamed}_disk0"), (read.Name, read.Disks.Single().Source));
        Assert.NotNull(await c.Raw.ExistsAsync(CephKeys.Volume.Root($"{pool}/{renamed}_disk0")));
        await Lab.RbdAsync(["rm", $"{pool}/{renamed}_disk0"]);
    }
}
