using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Python;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Core.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class VmReaderTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task Reads_a_cluster_written_the_way_PVC_writes_it_lock_children_and_None_values_included()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1", profile: "None", tags: [("prod", true)]);
        var broken = await PvcSeed.AddVmAsync(c.Raw, "broken", "hv2", xml: "<domain><name>broken");
        // kazoo's own locks, as PVC's tools leave them under data znodes
        await Kazoo.RunAsync("""
            import sys
            from kazoo.client import KazooClient
            zk = KazooClient(hosts=sys.argv[1]); zk.start(timeout=20)
            zk.Lock("/domains/%s/state" % sys.argv[2], "pvc").acquire(timeout=5)
            zk.ReadLock("/domains/%s/node" % sys.argv[2], "pvc").acquire(timeout=5)
            zk.WriteLock("/nodes/hv1/daemonstate", "pvc").acquire(timeout=5)
            # leave the persistent kind of stray a crashed holder can leave: a non-ephemeral lock node
            zk.create("/domains/%s/tags/0123456789abcdef0123456789abcdef__lock__0000000007" % sys.argv[2], b"stale")
            zk.stop()
            """, null, c.Connection.Servers, uuid.ToString());
        await PvcSeed.AddLockChildAsync(c.Raw, $"/domains/{uuid}/state");
        await c.Raw.CreateAsync("/stray-root-key", ReadOnlyMemory<byte>.Empty); // PVC's init can leave these

        var vms = await c.Connection.Vms.ListAsync();
        Assert.Equal(["broken", "web1"], vms.Select(v => v.Name));
        var web1 = vms[1];
        Assert.Equal((VmState.Start, "hv1", (string?)null, (string?)null), (web1.State, web1.Node, web1.Profile, web1.LastNode));
        Assert.Equal([new VmTag("prod", "user", true)], web1.Tags);
        Assert.Equal(1024, web1.MemoryMiB);
        Assert.Null(web1.XmlError);
        Assert.Contains("well-formed", vms[0].XmlError, StringComparison.Ordinal);
        Assert.Equal(broken, vms[0].Uuid);

        var nodes = await new Nodes.NodeOperations(c.Connection).ListAsync();
        Assert.Equal(3, nodes.Count);
    }

    [Fact]
    public async Task A_VM_whose_memory_no_host_can_have_is_listed_as_bad_and_the_others_read_as_usual()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1");
        // 10^15 TiB: more MiB than a long holds
        var huge = Guid.NewGuid();
        await PvcSeed.AddVmAsync(c.Raw, "huge", "hv2", uuid: huge, xml: PvcSeed.Xml(huge, "huge", memoryElement: "<memory unit='TiB'>1000000000000000</memory>"));

        var vms = await c.Connection.Vms.ListAsync();
        Assert.Equal(["huge", "web1"], vms.Select(v => v.Name));
        Assert.Contains("<memory>", vms[0].XmlError, StringComparison.Ordinal);
        Assert.Equal(0, vms[0].MemoryMiB);
        Assert.Null(vms[1].XmlError);
        Assert.Contains("<memory>", (await c.Connection.Vms.GetAsync(huge)).XmlError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filters_work_like_PVCs_vm_list()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1", tags: [("prod", false)]);
        await PvcSeed.AddVmAsync(c.Raw, "web2", "hv2", state: "stop");
        var db = await PvcSeed.AddVmAsync(c.Raw, "db1", "hv1", state: "stop", tags: [("prod", false)]);
        async Task<string[]> Names(VmFilter f) => [.. (await c.Connection.Vms.ListAsync(f)).Select(v => v.Name)];

        Assert.Equal(["web1", "web2"], await Names(new VmFilter { Limit = new LimitPattern("web") }));
        Assert.Equal(["web1"], await Names(new VmFilter { Limit = new LimitPattern("^web1$") }));
        Assert.Equal(["db1"], await Names(new VmFilter { Limit = new LimitPattern(db.ToString()) }));
        Assert.Equal(["db1", "web1"], await Names(new VmFilter { Node = "hv1" }));
        Assert.Equal(["web2"], await Names(new VmFilter { Node = "hv1", Negate = true }));
        Assert.Equal(["db1", "web2"], await Names(new VmFilter { State = VmState.Stop }));
        Assert.Equal(["db1", "web1"], await Names(new VmFilter { Tag = "prod" }));
        Assert.Equal(["web2"], await Names(new VmFilter { Tag = "prod", Negate = true }));
        Assert.Equal("InvalidLimit", PvcAssert.Throws(PvcErrorKind.InvalidArgument, () => new LimitPattern("web[")).ErrorId);
    }

    [Fact]
    public async Task Listing_takes_the_same_number_of_round_trips_for_10_and_300_VMs()
    {
        await using var c = await TestCluster.StartAsync(zk);
        async Task<int> WavesFor(int count)
        {
            var existing = (await c.Connection.Vms.ListAsync()).Count;
            await Task.WhenAll(Enumerable.Range(existing, count - existing).Select(i => PvcSeed.AddVmAsync(c.Raw, $"vm{i:D4}", $"hv{i % 3 + 1}", tags: [("t", false)])));
            var counter = new ReadCounter();
            var vms = await c.Connection.Vms.ListAsync(counter: counter);
            Assert.Equal(count, vms.Count);
            return counter.Waves;
        }
        var few = await WavesFor(10);
        var many = await WavesFor(300);
        Assert.Equal(few, many);
        Assert.Equal(3, many);
    }
}
