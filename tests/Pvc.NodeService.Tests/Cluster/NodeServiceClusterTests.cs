using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Cluster;

/// <summary>Three real node services on libvirt test-driver hosts, driven through Pvc.Core as the cmdlets drive them.</summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class NodeServiceClusterTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Nodes_come_up_one_primary_is_elected_and_another_after_it_stops()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk);
        var primary = await c.WaitAsync(BaseKeys.PrimaryNode, p => p is "hv1" or "hv2" or "hv3", "a primary");
        await c.WaitAsync(NodeKeys.Path(primary, NodeKeys.RouterState), s => s == "primary", $"{primary} primary");
        var nodes = await c.NodeOps.ListAsync();
        Assert.Single(nodes, n => n.CoordinatorState == CoordinatorState.Primary);
        Assert.All(nodes, n => Assert.Equal((NodeDaemonState.Run, NodeDomainState.Ready, 16), (n.DaemonState, n.DomainState, n.CpuCount)));
        Assert.All(nodes, n => Assert.Equal(32768, n.MemoryTotalMiB));

        c.Nodes.Single(n => n.Name == primary).Stop();
        Assert.Equal("stop", await c.ReadAsync(NodeKeys.Path(primary, NodeKeys.DaemonState)));
        var next = await c.WaitAsync(BaseKeys.PrimaryNode, p => p is "hv1" or "hv2" or "hv3" && p != primary, "a new primary");
        await c.WaitAsync(NodeKeys.Path(next, NodeKeys.RouterState), s => s == "primary", $"{next} primary");
        Assert.Equal("secondary", await c.ReadAsync(NodeKeys.Path(primary, NodeKeys.RouterState)));
    }

    [Fact]
    public async Task VMs_start_stop_restart_migrate_move_and_return_where_ZooKeeper_says()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk);
        var vm = await c.DefineVmAsync("web1", "hv1");
        var uuid = vm.Uuid;

        await c.Vms.StartAsync(vm);
        await c.Vms.WaitRunningAsync(vm, Wait);
        await c.WaitRunningOnAsync(uuid, "hv1");

        await c.Vms.ShutdownAsync(vm);
        Assert.Equal(VmState.Stop, await c.Vms.WaitSettledAsync(vm, Wait));
        await c.WaitNotRunningAsync(uuid);

        await c.Vms.StartAsync(vm);
        await c.WaitRunningOnAsync(uuid, "hv1");
        await c.Vms.RestartAsync(vm);
        Assert.Equal(VmState.Start, await c.Vms.WaitSettledAsync(vm, Wait));
        await c.WaitRunningOnAsync(uuid, "hv1");

        // temporary migration: the test driver cannot migrate live, so the node service migrates by shutdown
        var plan = await c.Vms.MigrateAsync(vm, new MigrationRequest(MigrationKind.Migrate, "hv2"));
        Assert.Equal(("hv1", "hv2"), (plan.From, plan.To));
        Assert.Equal(VmState.Start, await c.Vms.WaitSettledAsync(vm, Wait));
        await c.WaitRunningOnAsync(uuid, "hv2");
        Assert.Equal("hv1", (await c.Connection.Vms.GetAsync(uuid)).LastNode);

        await c.Vms.MigrateAsync(vm, new MigrationRequest(MigrationKind.Unmigrate));
        Assert.Equal(VmState.Start, await c.Vms.WaitSettledAsync(vm, Wait));
        await c.WaitRunningOnAsync(uuid, "hv1");

        await c.Vms.MigrateAsync(vm, new MigrationRequest(MigrationKind.Move, "hv3"));
        Assert.Equal(VmState.Start, await c.Vms.WaitSettledAsync(vm, Wait));
        await c.WaitRunningOnAsync(uuid, "hv3");
        Assert.Null((await c.Connection.Vms.GetAsync(uuid)).LastNode);

        await c.Vms.StopAsync(vm);
        await c.WaitNotRunningAsync(uuid);
        await c.Vms.UndefineAsync(vm);
        await c.WaitNotRunningAsync(uuid);
    }

    [Fact]
    public async Task A_VM_libvirt_refuses_fails_with_the_reason()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 1);
        var uuid = Guid.NewGuid();
        // a disk bus the test driver's domain parser refuses, on a file disk in a directory the cluster allows (as an
        // administrator allows it: Set-PvcCluster -AllowDomainXmlPath)
        await Pvc.Core.Cluster.ClusterSettings.ChangeAsync(c.Connection, new Pvc.Core.Cluster.ClusterSettingsChange { AllowedDomainXmlPaths = [Pvc.Core.Vms.HostDirectory.Parse("/srv/pvc-test")] });
        var xml = PvcSeed.Xml(uuid, "bad").Replace("<devices>", "<devices><disk type='file' device='disk'><source file='/srv/pvc-test/x'/><target dev='vda' bus='nonsense'/></disk>", StringComparison.Ordinal);
        var vm = await c.Vms.DefineAsync(new VmDefinition { Xml = xml, TargetNode = "hv1" });
        await c.Vms.StartAsync(vm);
        var failed = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => c.Vms.WaitRunningAsync(vm, Wait));
        Assert.Equal("VmFailed", failed.ErrorId);
        Assert.Equal(VmState.Fail, (await c.Connection.Vms.GetAsync(uuid)).State);
        Assert.NotNull((await c.Connection.Vms.GetAsync(uuid)).FailedReason);
    }

    [Fact]
    public async Task A_VM_whose_XML_cannot_be_read_fails_with_the_reason_and_its_instance_carries_out_the_next_change()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 1);
        // memory no host can have (10^15 TiB), as a PVC tool could have stored it: Core's define refuses such XML
        var uuid = Guid.NewGuid();
        var good = PvcSeed.Xml(uuid, "huge");
        await PvcSeed.AddVmAsync(c.Connection.ZooKeeper, "huge", "hv1", state: "start", uuid: uuid,
            xml: PvcSeed.Xml(uuid, "huge", memoryElement: "<memory unit='TiB'>1000000000000000</memory>"));
        var vm = new VmRef(uuid, "huge");

        var failed = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => c.Vms.WaitRunningAsync(vm, Wait));
        Assert.Equal("VmFailed", failed.ErrorId);
        Assert.NotNull((await c.Connection.Vms.GetAsync(uuid)).FailedReason);

        // the same instance takes the repaired VM and starts it
        await c.Vms.ModifyXmlAsync(vm, good);
        await c.Vms.StartAsync(vm);
        await c.Vms.WaitRunningAsync(vm, Wait);
        await c.WaitRunningOnAsync(uuid, "hv1");
    }

    [Fact]
    public async Task A_flush_that_could_not_move_every_VM_keeps_the_node_flushing_and_ends_once_it_can()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 2);
        var free = await c.Vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "free"), TargetNode = "hv1" });
        // live migration only, which the test driver cannot do: its migration aborts and it stays on hv1
        var pinned = await c.Vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "pinned"), TargetNode = "hv1", MigrationMethod = MigrationMethod.Live });
        await c.Vms.StartAsync(free);
        await c.Vms.StartAsync(pinned);
        await c.WaitRunningOnAsync(free.Uuid, "hv1");
        await c.WaitRunningOnAsync(pinned.Uuid, "hv1");

        await c.NodeOps.FlushAsync("hv1");
        await c.WaitRunningOnAsync(free.Uuid, "hv2");
        await c.WaitForLogAsync(c.Nodes[0], "Aborted migration of VM pinned");
        // the end of the flush's pass, however it ended
        await c.WaitForLogAsync(c.Nodes[0], "Flushed", "Flush incomplete");
        // a VM still runs on hv1: it is not flushed, and its running list says so
        Assert.Equal("flush", await c.ReadAsync(NodeKeys.Path("hv1", NodeKeys.DomainState)));
        Assert.Contains(DomainKeys.Format(pinned.Uuid), await c.ReadAsync(NodeKeys.Path("hv1", NodeKeys.RunningDomains)), StringComparison.Ordinal);
        await c.WaitRunningOnAsync(pinned.Uuid, "hv1");

        // once the VM can move, the flush's next try moves it and only then is the node flushed
        await c.Vms.SetMetadataAsync(pinned, new VmMetadataChange { MigrationMethod = MigrationMethod.Default });
        await c.NodeOps.WaitForDomainStateAsync("hv1", [NodeDomainState.Flushed], Wait);
        await c.WaitRunningOnAsync(pinned.Uuid, "hv2");
        Assert.Equal("", await c.ReadAsync(NodeKeys.Path("hv1", NodeKeys.RunningDomains)));
    }

    [Fact]
    public async Task Flush_moves_every_VM_off_a_node_and_unflush_brings_them_back()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk);
        var vms = new List<VmRef>();
        for (var i = 0; i < 4; i++)
        {
            var vm = await c.Vms.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), $"vm{i}"), TargetNode = "hv1" });
            await c.Vms.StartAsync(vm);
            vms.Add(vm);
        }
        foreach (var vm in vms)
            await c.WaitRunningOnAsync(vm.Uuid, "hv1");

        await c.NodeOps.FlushAsync("hv1");
        await c.NodeOps.WaitForDomainStateAsync("hv1", [NodeDomainState.Flushed], Wait);
        foreach (var vm in vms)
        {
            var now = await c.Connection.Vms.GetAsync(vm.Uuid);
            Assert.NotEqual("hv1", now.Node);
            Assert.Equal("hv1", now.LastNode);
            await c.WaitRunningOnAsync(vm.Uuid, now.Node!);
        }

        await c.NodeOps.ReadyAsync("hv1");
        await c.NodeOps.WaitForDomainStateAsync("hv1", [NodeDomainState.Ready], Wait);
        foreach (var vm in vms)
        {
            var now = await c.Connection.Vms.GetAsync(vm.Uuid);
            Assert.Equal(("hv1", (string?)null), (now.Node, now.LastNode));
            await c.WaitRunningOnAsync(vm.Uuid, "hv1");
        }
    }
}
