using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Core.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class VmOperationTests(ZooKeeperFixture zk)
{
    private static string S(Guid u, string key) => $"/domains/{u}{key}";

    [Fact]
    public async Task Define_writes_every_key_as_PVC_does_and_reads_back_typed()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = Guid.NewGuid();
        var vm = await ops.DefineAsync(new VmDefinition
        {
            Xml = PvcSeed.Xml(uuid, "web1", memoryMiB: 2048, vcpus: 4, rbd: "vms/web1_disk0"),
            TargetNode = "hv2",
            NodeLimit = ["hv1", "hv2"],
            NodeSelector = NodeSelector.Load,
            MigrationMethod = MigrationMethod.Live,
            Tags = [("prod", true), ("web", false)],
        });

        Assert.Equal(new VmRef(uuid, "web1"), vm);
        Assert.Equal("web1", await c.ReadAsync(S(uuid, "")));
        Assert.Equal("stop", await c.ReadAsync(S(uuid, "/state")));
        Assert.Equal("hv2", await c.ReadAsync(S(uuid, "/node")));
        Assert.Equal("None", await c.ReadAsync(S(uuid, "/profile")));
        Assert.Equal("False", await c.ReadAsync(S(uuid, "/node_autostart")));
        Assert.Equal("live", await c.ReadAsync(S(uuid, "/migration_method")));
        Assert.Equal("300", await c.ReadAsync(S(uuid, "/migration_max_downtime")));
        Assert.Equal("hv1,hv2", await c.ReadAsync(S(uuid, "/node_limit")));
        Assert.Equal("load", await c.ReadAsync(S(uuid, "/node_selector")));
        Assert.Equal("vms/web1_disk0", await c.ReadAsync(S(uuid, "/rbdlist")));
        Assert.Equal("True", await c.ReadAsync(S(uuid, "/tags/prod/protected")));
        Assert.Equal("user", await c.ReadAsync(S(uuid, "/tags/web/type")));
        foreach (var key in new[] { "/lastnode", "/failedreason", "/stats", "/consolelog", "/vnc", "/migrate_sync_lock", "/snapshots" })
            Assert.Equal("", await c.ReadAsync(S(uuid, key)));

        var read = await c.Connection.Vms.GetAsync(uuid);
        Assert.Equal(("web1", VmState.Stop, "hv2", 4, 2048L), (read.Name, read.State, read.Node, read.Vcpus, read.MemoryMiB));
        Assert.Equal(["hv1", "hv2"], read.NodeLimit);
        Assert.Equal(NodeSelector.Load, read.NodeSelector);
        Assert.Null(read.Profile);
        Assert.Null(read.LastNode);
        Assert.Equal([new VmTag("prod", "user", true), new VmTag("web", "user", false)], read.Tags);
        Assert.Equal(new VmDisk("rbd", "vms/web1_disk0", "sda", "scsi"), Assert.Single(read.Disks));
        Assert.Equal("vmbr100", Assert.Single(read.Nics).Source);
        Assert.Equal(100, read.Nics[0].Vni);
    }

    [Fact]
    public async Task Define_without_a_target_uses_the_selector_within_the_limit()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        // hv3 has the most free memory, but the limit leaves hv1 and hv2
        var vm = await ops.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "db1"), NodeLimit = ["hv1", "hv2"] });
        Assert.Equal("hv2", await c.ReadAsync(S(vm.Uuid, "/node")));
        var free = await ops.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "db2") });
        Assert.Equal("hv3", await c.ReadAsync(S(free.Uuid, "/node")));
    }

    [Theory]
    [InlineData("<domain><name>x</name>", "InvalidXml", "well-formed")]
    [InlineData("<vm/>", "InvalidXml", "<domain>")]
    [InlineData("<domain><uuid>5b0c7e43-2f5e-4a51-9f0c-6d1f3c2b9e71</uuid><memory>1024</memory><vcpu>1</vcpu></domain>", "InvalidVmName", "no name")]
    [InlineData("<domain><name>a/b</name><uuid>5b0c7e43-2f5e-4a51-9f0c-6d1f3c2b9e71</uuid><memory>1024</memory><vcpu>1</vcpu></domain>", "InvalidVmName", "path separator")]
    [InlineData("<domain><name>a&#x9;b</name><uuid>5b0c7e43-2f5e-4a51-9f0c-6d1f3c2b9e71</uuid><memory>1024</memory><vcpu>1</vcpu></domain>", "InvalidVmName", "control character")]
    [InlineData("<domain><name>nouuid</name><memory>1024</memory><vcpu>1</vcpu></domain>", "InvalidXml", "no <uuid>")]
    [InlineData("<domain><name>baduuid</name><uuid>not-a-uuid</uuid><memory>1024</memory><vcpu>1</vcpu></domain>", "InvalidXml", "not a valid UUID")]
    [InlineData("<domain><name>nomem</name><uuid>5b0c7e43-2f5e-4a51-9f0c-6d1f3c2b9e71</uuid><vcpu>1</vcpu></domain>", "InvalidXml", "<memory>")]
    [InlineData("<domain><name>novcpu</name><uuid>5b0c7e43-2f5e-4a51-9f0c-6d1f3c2b9e71</uuid><memory>1024</memory><vcpu>x</vcpu></domain>", "InvalidXml", "<vcpu>")]
    [InlineData("<domain><name>huge</name><uuid>5b0c7e43-2f5e-4a51-9f0c-6d1f3c2b9e71</uuid><memory unit='TiB'>1000000000000000</memory><vcpu>1</vcpu></domain>", "InvalidXml", "<memory>")]
    [InlineData("<domain><name>huger</name><uuid>5b0c7e43-2f5e-4a51-9f0c-6d1f3c2b9e71</uuid><memory unit='TiB'>79228162514264337593543950335</memory><vcpu>1</vcpu></domain>", "InvalidXml", "<memory>")]
    public async Task Bad_definitions_are_refused_naming_the_problem_and_write_nothing(string xml, string errorId, string says)
    {
        await using var c = await TestCluster.StartAsync(zk);
        var before = await PvcSeed.DumpAsync(c.Raw);
        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => new VmOperations(c.Connection).DefineAsync(new VmDefinition { Xml = xml }));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));
    }

    [Fact]
    public async Task Duplicates_unknown_nodes_and_oversized_VMs_are_refused_and_write_nothing()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var existing = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1");
        var before = await PvcSeed.DumpAsync(c.Raw);

        var sameName = await PvcAssert.ThrowsAsync(PvcErrorKind.AlreadyExists, () => ops.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "web1") }));
        Assert.Contains("web1", sameName.Message, StringComparison.Ordinal);
        var sameUuid = await PvcAssert.ThrowsAsync(PvcErrorKind.AlreadyExists, () => ops.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(existing, "other") }));
        Assert.Contains(existing.ToString(), sameUuid.Message, StringComparison.Ordinal);
        var unknown = await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => ops.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "x"), TargetNode = "hv9" }));
        Assert.Equal("NodeNotFound", unknown.ErrorId);
        await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => ops.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "x"), NodeLimit = ["hv1", "nope"] }));
        var big = await PvcAssert.ThrowsAsync(PvcErrorKind.ResourceUnavailable, () => ops.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "big", memoryMiB: 40000), TargetNode = "hv1" }));
        Assert.Equal("InsufficientMemory", big.ErrorId);
        var cpus = await PvcAssert.ThrowsAsync(PvcErrorKind.ResourceUnavailable, () => ops.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "wide", vcpus: 14), TargetNode = "hv1" }));
        Assert.Equal("TooManyVcpus", cpus.ErrorId);
        await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => ops.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "t"), Tags = [("a/b", false)] }));

        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));
    }

    [Fact]
    public async Task Lifecycle_changes_write_the_state_and_PVCs_refusals_change_nothing()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1", state: "stop");
        var vm = await ops.ResolveAsync("web1");
        Assert.Equal(uuid, vm.Uuid);

        var before = await PvcSeed.DumpAsync(c.Raw);
        Assert.Equal("VmNotRunning", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.RestartAsync(vm))).ErrorId);
        Assert.Equal("VmNotRunning", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.ShutdownAsync(vm))).ErrorId);
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));

        await ops.StartAsync(vm);
        Assert.Equal("start", await c.ReadAsync(S(uuid, "/state")));
        await ops.RestartAsync(vm);
        Assert.Equal("restart", await c.ReadAsync(S(uuid, "/state")));
        await ops.StartAsync(vm);
        await ops.ShutdownAsync(vm);
        Assert.Equal("shutdown", await c.ReadAsync(S(uuid, "/state")));
        await ops.StopAsync(vm);
        Assert.Equal("stop", await c.ReadAsync(S(uuid, "/state")));
        await ops.DisableAsync(vm);
        Assert.Equal("disable", await c.ReadAsync(S(uuid, "/state")));

        await c.Raw.SetDataAsync(S(uuid, "/state"), "mirror"u8.ToArray());
        Assert.Equal("VmIsMirror", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.StartAsync(vm))).ErrorId);
        await ops.StartAsync(vm, force: true);
        Assert.Equal("start", await c.ReadAsync(S(uuid, "/state")));
    }

    [Fact]
    public async Task Disable_of_a_running_VM_shuts_it_down_waits_for_its_node_then_disables()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1");
        var vm = await ops.ResolveAsync("web1");
        var seen = new List<VmState>();
        var disabling = ops.DisableAsync(vm, shutdownTimeout: TimeSpan.FromSeconds(20), progress: seen.Add);

        // play the node: once asked to shut down, report the VM stopped
        var state = S(uuid, "/state");
        while (await c.ReadAsync(state) != "shutdown")
        {
            var changed = new TaskCompletionSource();
            await c.Raw.GetDataAsync(state, _ => changed.TrySetResult());
            if (await c.ReadAsync(state) != "shutdown")
                await changed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        await c.Raw.SetDataAsync(state, "stop"u8.ToArray());
        await disabling.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("disable", await c.ReadAsync(state));
        Assert.Contains(VmState.Stop, seen);

        // forced: stop at once, no wait
        await ops.StartAsync(vm);
        await ops.DisableAsync(vm, force: true);
        Assert.Equal("disable", await c.ReadAsync(state));
    }

    [Fact]
    public async Task Migrate_move_and_unmigrate_follow_PVCs_rules()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1", nodeLimit: "hv1,hv2");
        var vm = await ops.ResolveAsync("web1");

        var before = await PvcSeed.DumpAsync(c.Raw);
        Assert.Equal("VmAlreadyOnNode", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.MigrateAsync(vm, new(MigrationKind.Migrate, "hv1")))).ErrorId);
        Assert.Equal("NodeNotInLimit", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.MigrateAsync(vm, new(MigrationKind.Migrate, "hv3")))).ErrorId);
        Assert.Equal("NodeNotFound", (await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => ops.MigrateAsync(vm, new(MigrationKind.Migrate, "hv9")))).ErrorId);
        Assert.Equal("VmNotMigrated", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.MigrateAsync(vm, new(MigrationKind.Unmigrate)))).ErrorId);
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));

        // temporary migration: running VM -> migrate, node hv2, last node hv1
        var plan = await ops.MigrateAsync(vm, new(MigrationKind.Migrate, "hv2"));
        Assert.Equal(("hv1", "hv2", VmState.Migrate, "hv1"), (plan.From, plan.To, plan.State, plan.LastNode));
        Assert.Equal(("migrate", "hv2", "hv1"), (await c.ReadAsync(S(uuid, "/state")), await c.ReadAsync(S(uuid, "/node")), await c.ReadAsync(S(uuid, "/lastnode"))));
        await c.Raw.SetDataAsync(S(uuid, "/state"), "start"u8.ToArray()); // the receiving node reports it running

        Assert.Equal("VmAlreadyMigrated", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.MigrateAsync(vm, new(MigrationKind.Migrate, "hv1")))).ErrorId);

        // unmigrate returns it, live only on request
        await ops.MigrateAsync(vm, new(MigrationKind.Unmigrate, Live: true));
        Assert.Equal(("migrate-live", "hv1", ""), (await c.ReadAsync(S(uuid, "/state")), await c.ReadAsync(S(uuid, "/node")), await c.ReadAsync(S(uuid, "/lastnode"))));
        await c.Raw.SetDataAsync(S(uuid, "/state"), "start"u8.ToArray());

        // permanent move: no last node; a stopped VM keeps its state and only changes assignment
        await ops.StopAsync(vm);
        var moved = await ops.MigrateAsync(vm, new(MigrationKind.Move, "hv2"));
        Assert.Equal((VmState.Stop, (string?)null), (moved.State, moved.LastNode));
        Assert.Equal(("stop", "hv2", ""), (await c.ReadAsync(S(uuid, "/state")), await c.ReadAsync(S(uuid, "/node")), await c.ReadAsync(S(uuid, "/lastnode"))));

        // move to the current node of a migrated VM makes the migration permanent
        await ops.MigrateAsync(vm, new(MigrationKind.Migrate, "hv1"));
        await ops.MigrateAsync(vm, new(MigrationKind.Move, "hv1"));
        Assert.Equal(("hv1", ""), (await c.ReadAsync(S(uuid, "/node")), await c.ReadAsync(S(uuid, "/lastnode"))));
    }

    [Fact]
    public async Task A_forced_migration_of_a_migrated_VM_never_picks_its_last_node_which_the_nodes_would_refuse()
    {
        await using var c = await TestCluster.StartAsync(zk);
        // hv1 has by far the most free memory: PVC's selector would pick it, and the sender would abort
        await c.Raw.SetDataAsync("/nodes/hv1/memfree", "30000"u8.ToArray());
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv2", lastNode: "hv1");
        var ops = new VmOperations(c.Connection);

        var plan = await ops.MigrateAsync(await ops.ResolveAsync("web1"), new(MigrationKind.Migrate, Force: true));

        Assert.Equal(("hv3", "hv1"), (plan.To, plan.LastNode));
        Assert.Equal(("hv3", "hv1"), (await c.ReadAsync(S(uuid, "/node")), await c.ReadAsync(S(uuid, "/lastnode"))));
    }

    [Fact]
    public async Task Migration_without_a_target_explains_when_no_node_qualifies()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1");
        await c.Raw.SetDataAsync("/nodes/hv2/domainstate", "flushed"u8.ToArray());
        await c.Raw.SetDataAsync("/nodes/hv3/daemonstate", "stop"u8.ToArray());
        var vm = await ops.ResolveAsync("web1");

        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.ResourceUnavailable, () => ops.MigrateAsync(vm, new(MigrationKind.Migrate)));
        Assert.Equal("NoTargetNode", e.ErrorId);
        Assert.Contains("hv1: the VM's current node", e.Message, StringComparison.Ordinal);
        Assert.Contains("hv2: it is flushed, not ready", e.Message, StringComparison.Ordinal);
        Assert.Contains("hv3: its service is stop, not run", e.Message, StringComparison.Ordinal);
        // an explicit target must be run/ready too
        Assert.Equal("NodeNotReady", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.MigrateAsync(vm, new(MigrationKind.Migrate, "hv2")))).ErrorId);
    }

    [Fact]
    public async Task Rename_only_when_stopped_and_modify_keeps_the_uuid()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1");
        await PvcSeed.AddVmAsync(c.Raw, "taken", "hv1");
        var vm = await ops.ResolveAsync(uuid.ToString());

        var before = await PvcSeed.DumpAsync(c.Raw);
        Assert.Equal("VmNotStopped", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.RenameAsync(vm, "web2"))).ErrorId);
        await ops.StopAsync(vm);
        var afterStop = await PvcSeed.DumpAsync(c.Raw);
        Assert.NotEqual(before, afterStop);
        await PvcAssert.ThrowsAsync(PvcErrorKind.AlreadyExists, () => ops.RenameAsync(vm, "taken"));
        await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => ops.RenameAsync(vm, "bad/name"));
        Assert.Equal(afterStop, await PvcSeed.DumpAsync(c.Raw));

        var renamed = await ops.RenameAsync(vm, "web2");
        Assert.Equal("web2", renamed.Name);
        Assert.Equal("web2", await c.ReadAsync(S(uuid, "")));
        Assert.Contains("<name>web2</name>", await c.ReadAsync(S(uuid, "/xml")), StringComparison.Ordinal);
        Assert.Equal(uuid, (await ops.ResolveAsync("web2")).Uuid);

        await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => ops.ModifyXmlAsync(renamed, PvcSeed.Xml(Guid.NewGuid(), "web2")));
        // more memory than any host can have: refused as bad XML (it was an OverflowException), nothing written
        var unchanged = await PvcSeed.DumpAsync(c.Raw);
        var huge = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => ops.ModifyXmlAsync(renamed,
            PvcSeed.Xml(uuid, "web2", memoryElement: "<memory unit='TiB'>1000000000000000</memory>")));
        Assert.Equal("InvalidXml", huge.ErrorId);
        Assert.Equal(unchanged, await PvcSeed.DumpAsync(c.Raw));
        await ops.ModifyXmlAsync(renamed, PvcSeed.Xml(uuid, "web2", memoryMiB: 4096, rbd: "vms/web2"));
        Assert.Equal(4096, (await c.Connection.Vms.GetAsync(uuid)).MemoryMiB);
        Assert.Equal("vms/web2", await c.ReadAsync(S(uuid, "/rbdlist")));
    }

    [Fact]
    public async Task Undefine_stops_a_running_VM_and_removes_its_tree_lock_children_included()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1", tags: [("t", false)]);
        await PvcSeed.AddLockChildAsync(c.Raw, S(uuid, "/state"));
        var vm = await ops.ResolveAsync("web1");
        var stateSeen = new TaskCompletionSource<string>();
        await c.Raw.GetDataAsync(S(uuid, "/state"), _ => stateSeen.TrySetResult("changed"));

        await ops.UndefineAsync(vm);

        Assert.Equal("changed", await stateSeen.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Null(await c.Raw.ExistsAsync($"/domains/{uuid}"));
        await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => ops.ResolveAsync("web1"));
    }

    [Fact]
    public async Task Metadata_and_tags()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1");
        var vm = await ops.ResolveAsync("web1");

        await ops.SetMetadataAsync(vm, new VmMetadataChange { NodeLimit = ["hv2", "hv3"], NodeSelector = NodeSelector.Vms, Autostart = true, MigrationMethod = MigrationMethod.Shutdown, MigrationMaxDowntime = 500, Profile = "gold" });
        Assert.Equal(("hv2,hv3", "vms", "True", "shutdown", "500", "gold"), (await c.ReadAsync(S(uuid, "/node_limit")), await c.ReadAsync(S(uuid, "/node_selector")),
            await c.ReadAsync(S(uuid, "/node_autostart")), await c.ReadAsync(S(uuid, "/migration_method")), await c.ReadAsync(S(uuid, "/migration_max_downtime")), await c.ReadAsync(S(uuid, "/profile"))));
        var before = await PvcSeed.DumpAsync(c.Raw);
        await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => ops.SetMetadataAsync(vm, new VmMetadataChange()));
        await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => ops.SetMetadataAsync(vm, new VmMetadataChange { NodeLimit = ["hv7"] }));
        await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidArgument, () => ops.SetMetadataAsync(vm, new VmMetadataChange { MigrationMaxDowntime = 0 }));
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));

        await ops.AddTagAsync(vm, "keep", isProtected: true);
        await ops.AddTagAsync(vm, "temp");
        Assert.Equal("True", await c.ReadAsync(S(uuid, "/tags/keep/protected")));
        Assert.Equal("TagProtected", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.RemoveTagAsync(vm, "keep"))).ErrorId);
        Assert.Equal("TagNotFound", (await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => ops.RemoveTagAsync(vm, "nope"))).ErrorId);
        await ops.RemoveTagAsync(vm, "temp");
        Assert.Null(await c.Raw.ExistsAsync(S(uuid, "/tags/temp")));
        Assert.Equal(["keep"], (await c.Connection.Vms.GetAsync(uuid)).Tags.Select(t => t.Name));
    }

    [Fact]
    public async Task A_plan_is_committed_as_it_was_made_and_a_change_to_what_it_read_fails_the_commit()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1");
        var vm = await ops.ResolveAsync("web1");

        // with a target, the plan costs one round trip: the VM's keys and the target's states together
        var before = c.Connection.RoundTrips;
        var plan = await ops.PlanMigrationAsync(vm, new(MigrationKind.Migrate, "hv2"));
        Assert.Equal(1, c.Connection.RoundTrips - before);
        Assert.False(plan.IsCommitted);

        // the target starts draining after the plan: the commit fails, nothing is written, nothing is planned again
        await c.Raw.SetDataAsync("/nodes/hv2/domainstate", "flush"u8.ToArray());
        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.WriteConflict, () => ops.MigrateAsync(plan));
        Assert.Equal("PlanChangedMeanwhile", e.ErrorId);
        Assert.Equal(("start", "hv1", ""), (await c.ReadAsync(S(uuid, "/state")), await c.ReadAsync(S(uuid, "/node")), await c.ReadAsync(S(uuid, "/lastnode"))));

        // a fresh plan for a ready target commits in one round trip (the state's watch travels with the transaction)
        await c.Raw.SetDataAsync("/nodes/hv2/domainstate", "ready"u8.ToArray());
        plan = await ops.PlanMigrationAsync(vm, new(MigrationKind.Migrate, "hv2"));
        before = c.Connection.RoundTrips;
        var committed = await ops.MigrateAsync(plan);
        Assert.Equal(1, c.Connection.RoundTrips - before);
        Assert.True(committed.IsCommitted);
        Assert.Equal(("migrate", "hv2", "hv1"), (await c.ReadAsync(S(uuid, "/state")), await c.ReadAsync(S(uuid, "/node")), await c.ReadAsync(S(uuid, "/lastnode"))));
        await Assert.ThrowsAsync<ArgumentException>(() => ops.MigrateAsync(committed));
        await Assert.ThrowsAsync<ArgumentException>(() => ops.WaitMigratedAsync(plan, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_restart_wait_that_ends_in_another_state_than_running_is_an_error_not_a_restarted_VM()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1");
        var vm = await ops.ResolveAsync("web1");
        await ops.RestartAsync(vm);
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wait = ops.WaitRestartedAsync(vm, TimeSpan.FromSeconds(20), _ => seen.TrySetResult());
        // the wait is under way (it saw "restart") before another client stops the VM instead of its node restarting it
        await seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await c.Raw.SetDataAsync(S(uuid, "/state"), "stop"u8.ToArray());

        // before: the wait returned the VM, stopped, as if it had restarted
        var e = await Assert.ThrowsAsync<PvcException>(() => wait);
        Assert.Equal("VmNotRestarted", e.ErrorId);
        Assert.Contains("stop", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_start_wait_overtaken_by_a_stop_is_an_error_at_once_not_a_timeout()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1", state: "stop");
        var vm = await ops.ResolveAsync("web1");
        await ops.StartAsync(vm);
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wait = ops.WaitStartedAsync(vm, TimeSpan.FromMinutes(5), _ => seen.TrySetResult());
        // the wait is under way (it saw "start") before another client stops the VM; no node service runs here
        await seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await c.Raw.SetDataAsync(S(uuid, "/state"), "stop"u8.ToArray());

        // before: the wait went on until its timeout (five minutes here) for a VM nobody would start
        var e = await Assert.ThrowsAsync<PvcException>(() => wait.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("VmNotStarted", e.ErrorId);
        Assert.Contains("stop", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_made_meanwhile_fails_the_write_instead_of_being_overwritten()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1");
        var vm = await ops.ResolveAsync("web1");
        var plan = await ops.PlanMigrationAsync(vm, new(MigrationKind.Migrate, "hv2"));
        Assert.Equal("hv2", plan.To);
        // someone stops the VM between our read and our write: simulate by racing many writers
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await ops.MigrateAsync(vm, new(MigrationKind.Migrate, i % 2 == 0 ? "hv2" : "hv3"));
                return "ok";
            }
            catch (PvcException pvc) when (pvc.Kind == PvcErrorKind.WriteConflict)
            {
                return "conflict";
            }
            catch (PvcException pvc) when (pvc.Kind == PvcErrorKind.InvalidOperation)
            {
                return "refused";
            }
        }));
        // exactly one migration wins; the others see the VM migrated already or lose the race
        Assert.Equal(1, results.Count(r => r == "ok"));
        Assert.Equal("hv1", await c.ReadAsync(S(uuid, "/lastnode")));
    }

    [Fact]
    public async Task A_name_resolved_before_is_checked_at_every_use()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var first = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1", state: "stop");
        Assert.Equal(first, (await ops.ResolveAsync("web1")).Uuid);
        // renamed behind this connection's back, and the name reused
        await c.Raw.SetDataAsync($"/domains/{first}", "old-web1"u8.ToArray());
        var second = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv2", state: "stop");
        Assert.Equal(second, (await ops.ResolveAsync("web1")).Uuid);
        Assert.Equal(first, (await ops.ResolveAsync("old-web1")).Uuid);
        // a reference taken before a rename is refused, not applied to the renamed VM
        var stale = new VmRef(first, "web1");
        Assert.Equal("VmRenamedMeanwhile", (await PvcAssert.ThrowsAsync(PvcErrorKind.WriteConflict, () => ops.StartAsync(stale))).ErrorId);
        Assert.Equal("stop", await c.ReadAsync(S(first, "/state")));
    }

    [Fact]
    public async Task Lock_flush_follows_PVCs_state_rule()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = Guid.NewGuid();
        await PvcSeed.AddVmAsync(c.Raw, "db1", "hv1", uuid: uuid, xml: PvcSeed.Xml(uuid, "db1", rbd: "vms/db1_disk0"));
        var vm = await ops.ResolveAsync("db1");
        Assert.Equal("VmNotStopped", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.PrepareLockFlushAsync(vm))).ErrorId);
        Assert.Equal(["vms/db1_disk0"], await ops.PrepareLockFlushAsync(vm, force: true));
        foreach (var state in new[] { "stop", "disable", "fail", "mirror" })
        {
            await c.Raw.SetDataAsync($"/domains/{uuid}/state", System.Text.Encoding.UTF8.GetBytes(state));
            Assert.Equal(["vms/db1_disk0"], await ops.PrepareLockFlushAsync(vm));
        }
    }

    [Theory]
    [InlineData("14")]
    [InlineData("16")]
    public async Task An_unknown_schema_version_is_refused_by_reads_and_writes_and_nothing_changes(string version)
    {
        await using var c = await TestCluster.StartAsync(zk);
        await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1", state: "stop");
        var vm = await new VmOperations(c.Connection).ResolveAsync("web1");
        await c.Raw.SetDataAsync("/schema/version", System.Text.Encoding.UTF8.GetBytes(version));
        var before = await PvcSeed.DumpAsync(c.Raw);

        var refusals = new Func<Task>[]
        {
            () => c.Connection.Vms.ListAsync(),
            () => c.Connection.Vms.GetAsync(vm.Uuid),
            () => new VmOperations(c.Connection).StartAsync(vm),
            () => new VmOperations(c.Connection).DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(Guid.NewGuid(), "new") }),
            () => new Nodes.NodeOperations(c.Connection).ListAsync(),
        };
        foreach (var refusal in refusals)
        {
            var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidData, refusal);
            Assert.Equal("UnsupportedSchemaVersion", e.ErrorId);
            Assert.Contains(version, e.Message, StringComparison.Ordinal);
        }
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));
    }

    [Fact]
    public async Task Console_log_and_waiting_for_a_state()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1", state: "migrate");
        await c.Raw.SetDataAsync(S(uuid, "/consolelog"), "line1\nline2\nline3"u8.ToArray());
        var vm = await ops.ResolveAsync("web1");
        Assert.Equal(["line2", "line3"], await ops.GetConsoleLogAsync(vm, 2));
        await c.Raw.SetDataAsync(S(uuid, "/consolelog"), "line1\nline2\n"u8.ToArray());
        Assert.Equal(["line2"], await ops.GetConsoleLogAsync(vm, 1));
        await c.Raw.SetDataAsync(S(uuid, "/consolelog"), ""u8.ToArray());
        Assert.Empty(await ops.GetConsoleLogAsync(vm, 5));

        var waiting = c.Connection.Vms.WaitForStateAsync(vm, s => s == VmState.Start, TimeSpan.FromSeconds(10));
        await c.Raw.SetDataAsync(S(uuid, "/state"), "start"u8.ToArray());
        Assert.Equal(VmState.Start, await waiting);
        var timeout = await PvcAssert.ThrowsAsync(PvcErrorKind.OperationTimeout, () => c.Connection.Vms.WaitForStateAsync(vm, s => s == VmState.Stop, TimeSpan.FromMilliseconds(300)));
        Assert.Contains("still start", timeout.Message, StringComparison.Ordinal);
    }
}
