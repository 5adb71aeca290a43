using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pvc.Core.Errors;
using Pvc.Core.Faults;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.Core.Vms;
using Pvc.NodeService.Libvirt;
using Pvc.Testing.Ceph;
using Pvc.Testing.Lab;
using Pvc.Testing.Pvc;
using Xunit.Abstractions;

namespace Pvc.NodeService.Tests.Lab;

/// <summary>
/// The hyperconverged part of PVC on real components: TCG guests whose disk is an RBD volume of a real Ceph cluster,
/// opened by QEMU's librbd on the lab hosts with the cephx secret each node service gave its libvirt; volumes,
/// guests, migrations and resizes go through Pvc.Core as the cmdlets do, and run on the real node services.
/// </summary>
[Collection(QemuCephLabCollection.Name)]
public sealed class QemuCephLabTests(QemuCephLabFixture lab, ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan TaskWait = TimeSpan.FromSeconds(120);

    /// <summary>libvirt's VIR_DOMAIN_RUNNING_MIGRATED.</summary>
    private const int RunningMigrated = 2;

    [Fact]
    public async Task A_guest_whose_disk_is_an_RBD_volume_migrates_live_to_the_other_host_and_keeps_running()
    {
        var c = lab.Cluster;
        output.WriteLine($"QEMU + Ceph lab started in {lab.StartTime.TotalSeconds:0.0} s (Ceph alone {lab.Ceph.StartTime.TotalSeconds:0.0} s)");
        var (vm, volume) = await DefineWithVolumeAsync("rbd-live", "hv1", 64L << 20);
        await c.Vms.StartAsync(vm);
        await c.WaitRunningOnAsync(vm.Uuid, "hv1");

        using var hv1 = LibvirtConnection.Open(lab.Hosts[0].LibvirtUri);
        using var hv2 = LibvirtConnection.Open(lab.Hosts[1].LibvirtUri);
        using (var source = hv1.LookupDomain(vm.Uuid))
            Assert.Contains($"name='{volume}'", source.GetXml().Replace('"', '\''), StringComparison.Ordinal);
        // QEMU on hv1 has the image open: Ceph sees its librbd watching the image's header from hv1's namespace
        Assert.Equal([UplinkAddressOf(0)], await WatchersAsync(volume));
        var before = await WaitForTicksAsync(hv1, vm.Uuid, 2 * TickGuest.TicksPerSecond);
        var sourceQemu = lab.Hosts[0].QemuPid(vm.Name) ?? throw new InvalidOperationException($"no QEMU runs {vm.Name} on hv1\n{lab.Logs()}");

        var migrating = Stopwatch.StartNew();
        var plan = await c.Vms.MigrateAsync(vm, new MigrationRequest(MigrationKind.Migrate, "hv2"));
        Assert.Equal(("hv1", "hv2"), (plan.From, plan.To));
        Assert.Equal(VmState.Start, await c.Vms.WaitSettledAsync(vm, Wait));
        var migrated = migrating.Elapsed;
        await c.WaitRunningOnAsync(vm.Uuid, "hv2");

        // per libvirt: gone from hv1 (its QEMU ended), running on hv2 because it migrated in
        Assert.Null(hv1.TryLookupDomain(vm.Uuid));
        Assert.False(LabCommand.IsAlive(sourceQemu), "the source QEMU still runs");
        ulong after;
        using (var target = hv2.LookupDomain(vm.Uuid))
        {
            Assert.Equal((DomainState.Running, RunningMigrated), target.GetState());
            Assert.Contains($"name='{volume}'", target.GetXml().Replace('"', '\''), StringComparison.Ordinal);
            after = TickGuest.ReadCounter(target.PeekPhysicalMemory(TickGuest.CounterAddress, 8));
        }
        // the same guest, and it keeps running: its counter went on from where it was, and goes on counting
        Assert.True(after >= before, $"the guest's counter went back from {before} to {after}: it was restarted");
        var later = await WaitForTicksAsync(hv2, vm.Uuid, (int)after + TickGuest.TicksPerSecond);
        output.WriteLine($"migration with an RBD disk (request to state start) {migrated.TotalSeconds:0.00} s; guest ticks {before} before, {after} after, {later} later");
        // the disk moved with it: hv2's QEMU has the image open now, hv1's no longer
        await CephLab.WaitUntilAsync(async _ => (await WatchersAsync(volume)).SequenceEqual([UplinkAddressOf(1)]), Wait, $"only hv2 watching {volume}");
        var now = await c.Connection.Vms.GetAsync(vm.Uuid);
        Assert.Equal(("hv2", "hv1"), (now.Node, now.LastNode));

        await c.Vms.StopAsync(vm);
        await c.WaitNotRunningAsync(vm.Uuid);
    }

    [Fact]
    public async Task Resizing_the_volume_of_a_running_guest_grows_its_block_device_on_the_guest_s_node()
    {
        var c = lab.Cluster;
        var (vm, volume) = await DefineWithVolumeAsync("rbd-grow", "hv2", 64L << 20);
        await c.Vms.StartAsync(vm);
        await c.WaitRunningOnAsync(vm.Uuid, "hv2");
        Assert.Equal(64L << 20, BlockCapacity(lab.Hosts[1], vm.Uuid, "vda"));

        // as Resize-PvcVolume does: the check names the running VM's node, and the task runs there
        var request = new VolumeRequest(lab.Pool, volume.Split('/')[1], 96L << 20);
        var user = await c.Connection.Storage.CheckResizeVolumeAsync(request);
        Assert.Equal((vm.Uuid, true, "hv2"), (user!.Uuid, user.IsRunning, user.Node));
        var tasks = c.Connection.Tasks;
        var submitted = await tasks.SubmitAsync(ClusterTaskKinds.VolumeResize, request.ToArguments(), user.Node);
        var done = await tasks.WaitAsync(submitted.Id, null, TaskWait);
        Assert.Equal((ClusterTaskState.Success, "hv2"), (done.State, done.RunOn));

        // Ceph's image and Pvc's record grew, and so did the guest's block device, per libvirt on hv2
        Assert.Equal(96L << 20, (await c.Connection.Volumes.GetAsync(lab.Pool, request.Name)).Stats?.SizeBytes);
        Assert.Equal(96L << 20, BlockCapacity(lab.Hosts[1], vm.Uuid, "vda"));
        await c.WaitForLogAsync(c.Nodes[1], $"Resized disk vda of VM {vm.Name}");

        await c.Vms.StopAsync(vm);
        await c.WaitNotRunningAsync(vm.Uuid);
    }

    [Fact]
    public async Task A_fenced_host_s_guest_starts_on_the_other_host_with_its_RBD_lock_broken_and_not_before_the_fence()
    {
        var c = lab.Cluster;
        var (vm, volume) = await DefineWithVolumeAsync("rbd-fence", "hv1", 64L << 20);
        await c.Vms.StartAsync(vm);
        await c.WaitRunningOnAsync(vm.Uuid, "hv1");
        using var hv1 = LibvirtConnection.Open(lab.Hosts[0].LibvirtUri);
        using var hv2 = LibvirtConnection.Open(lab.Hosts[1].LibvirtUri);
        // the guest writes to its disk (through QEMU's block layer, as a guest's virtio writes go): hv1's librbd takes
        // the image's exclusive lock, which it holds for as long as it runs
        var wrote = LabCommand.Run("virsh", "-c", lab.Hosts[0].LibvirtUri, "qemu-monitor-command", vm.Uuid.ToString(), "--hmp", "qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend \"write -P 0x5a 0 4k\"");
        var blocks = LabCommand.Run("virsh", "-c", lab.Hosts[0].LibvirtUri, "qemu-monitor-command", vm.Uuid.ToString(), "--hmp", "info block");
        var locked = await LocksAsync(volume);
        Assert.True(locked.Select(l => l.Host).SequenceEqual([UplinkAddressOf(0)]),
            $"locks [{string.Join(", ", locked)}]; qemu-io: {wrote}; info block: {blocks}; rbd info: {await lab.Ceph.RbdAsync(["info", volume])}");
        await WaitForTicksAsync(hv1, vm.Uuid, TickGuest.TicksPerSecond);
        var qemu = lab.Hosts[0].QemuPid(vm.Name) ?? throw new InvalidOperationException($"no QEMU runs {vm.Name} on hv1\n{lab.Logs()}");
        var node = c.Nodes[0];
        try
        {
            // hv1's node service hangs: no more keepalives, while its libvirtd and the guest's QEMU, lock and all, run
            // on; and its BMC does not answer, so the fence fails
            lab.Bmcs[0].Hang();
            node.ExpectDown();
            node.Freeze();
            var clock = Stopwatch.StartNew();
            await c.WaitAsync(NodeKeys.Path("hv1", NodeKeys.DaemonState), s => s == "dead", "hv1 dead");
            var dead = clock.Elapsed;
            await c.WaitAsync(FaultKeys.Path(FaultIds.FenceFailed("hv1"), FaultKeys.Message), m => m.Contains("hv1", StringComparison.Ordinal), "hv1's failed fence");

            // not fenced, nothing recovered: the VM stays hv1's, hv2 has not started it, its lock is still hv1's QEMU's,
            // and that QEMU still runs the guest (a second one writing the disk now would corrupt it)
            var stayed = await c.Connection.Vms.GetAsync(vm.Uuid);
            Assert.Equal(("hv1", VmState.Start), (stayed.Node, stayed.State));
            Assert.Null(hv2.TryLookupDomain(vm.Uuid));
            Assert.Equal([UplinkAddressOf(0)], (await LocksAsync(volume)).Select(l => l.Host));
            Assert.True(LabCommand.IsAlive(qemu), "hv1's QEMU died without a fence");
            var ticking = await WaitForTicksAsync(hv1, vm.Uuid, 0);
            await WaitForTicksAsync(hv1, vm.Uuid, (int)ticking + TickGuest.TicksPerSecond / 2);

            // the BMC answers: the next try powers hv1 off (its QEMU with it), breaks the lock, starts the VM on hv2
            lab.Bmcs[0].Answer();
            var answered = Stopwatch.StartNew();
            await c.WaitAsync(NodeKeys.Path("hv1", NodeKeys.DaemonState), s => s == "fenced", "hv1 fenced");
            var fenced = answered.Elapsed;
            await WaitUntilAsync(() => StateOn(hv2, vm.Uuid) == DomainState.Running, "the VM running on hv2 per its libvirt");
            var running = answered.Elapsed;
            Assert.Contains("set power 0", lab.Bmcs[0].Calls);
            Assert.False(LabCommand.IsAlive(qemu), "hv1's QEMU outlived the power-off");
            Assert.DoesNotContain(await LocksAsync(volume), l => l.Host == UplinkAddressOf(0));
            var moved = await c.Connection.Vms.GetAsync(vm.Uuid);
            Assert.Equal(("hv2", "hv1", VmState.Start), (moved.Node, moved.LastNode, moved.State));
            // the guest runs on hv2: its counter (from 0: hv1's was lost with the power) goes on counting
            var first = await WaitForTicksAsync(hv2, vm.Uuid, 1);
            var later = await WaitForTicksAsync(hv2, vm.Uuid, (int)first + TickGuest.TicksPerSecond);
            // the fencer broke the lock after the fence, and logged both in that order
            var fencer = File.ReadAllText(c.Nodes[1].LogPath);
            var fencedAt = fencer.IndexOf("Node hv1 fenced", StringComparison.Ordinal);
            var brokeAt = fencer.IndexOf($"VM {vm.Name}: broke the lock", StringComparison.Ordinal);
            Assert.True(fencedAt >= 0 && brokeAt > fencedAt, $"hv2's log has the fence at {fencedAt} and the lock broken at {brokeAt}\n{lab.Logs()}");
            output.WriteLine($"hang to dead {dead.TotalSeconds:0.0} s; BMC answering to fenced {fenced.TotalSeconds:0.0} s, to running on hv2 {running.TotalSeconds:0.0} s; guest ticks on hv2 {first} then {later}; load {File.ReadAllText("/proc/loadavg").Trim()}");
        }
        finally
        {
            lab.Bmcs[0].Answer();
            node.Thaw();
        }

        await c.Vms.StopAsync(vm);
        await c.WaitNotRunningAsync(vm.Uuid);
        // hv1 boots again, flushed, and readies itself: the lab is whole for the collection's other tests
        await lab.BootAgainAsync(0);
    }

    [Fact]
    public async Task An_RBD_volume_is_attached_to_a_running_guest_and_detached_again_live()
    {
        var c = lab.Cluster;
        var (vm, first) = await DefineWithVolumeAsync("rbd-hot", "hv1", 32L << 20, ScsiController);
        var second = await AddVolumeAsync("rbd-hot_data", 32L << 20);
        await c.Vms.StartAsync(vm);
        await c.WaitRunningOnAsync(vm.Uuid, "hv1");
        using var hv1 = LibvirtConnection.Open(lab.Hosts[0].LibvirtUri);

        var took = Stopwatch.StartNew();
        Assert.Equal(("sda", VmChangeEffect.Live), await c.Vms.AddVolumeAsync(vm, second));
        output.WriteLine($"RBD volume attached live in {took.Elapsed.TotalSeconds:0.00} s (request to stored XML)");

        // the running domain has it on the SCSI bus, and QEMU on hv1 has the image open
        using (var domain = hv1.LookupDomain(vm.Uuid))
        {
            var live = domain.GetXml().Replace('"', '\'');
            Assert.Contains($"name='{second}'", live, StringComparison.Ordinal);
            Assert.Contains("<target dev='sda' bus='scsi'/>", live, StringComparison.Ordinal);
            Assert.Equal(DomainState.Running, domain.GetState().State);
        }
        await CephLab.WaitUntilAsync(async _ => (await WatchersAsync(second)).SequenceEqual([UplinkAddressOf(0)]), Wait, $"hv1 watching {second}");
        Assert.Equal($"{first},{second}", await c.ReadAsync(DomainKeys.Path(vm.Uuid, DomainKeys.StorageVolumes)));

        // a SCSI disk leaves without the guest's help: gone from the running domain and from the stored XML
        Assert.Equal(VmChangeEffect.Live, await c.Vms.RemoveVolumeAsync(vm, second));
        using (var domain = hv1.LookupDomain(vm.Uuid))
            Assert.DoesNotContain($"name='{second}'", domain.GetXml().Replace('"', '\''), StringComparison.Ordinal);
        Assert.Equal(first, await c.ReadAsync(DomainKeys.Path(vm.Uuid, DomainKeys.StorageVolumes)));

        await c.Vms.StopAsync(vm);
        await c.WaitNotRunningAsync(vm.Uuid);
    }

    [Fact]
    public async Task A_live_change_that_reaches_the_node_after_its_deadline_changes_nothing()
    {
        var c = lab.Cluster;
        var (vm, _) = await DefineWithVolumeAsync("rbd-late", "hv1", 32L << 20, ScsiController);
        var second = await AddVolumeAsync("rbd-late_data", 32L << 20);
        await c.Vms.StartAsync(vm);
        await c.WaitRunningOnAsync(vm.Uuid, "hv1");
        var stored = await c.Vms.GetXmlAsync(vm);
        var attach = VmDiskXml.LiveChange(vm, VmDiskXml.Add(vm, stored, second, "scsi", null).Xml, "sda", attach: true)!;

        // as a task its client stopped waiting for would be when a node gets to it late: its deadline has passed
        var tasks = c.Connection.Tasks;
        var late = await tasks.SubmitAsync(ClusterTaskKinds.VmLiveChange, (attach with { NotAfter = DateTimeOffset.UtcNow.AddSeconds(-1) }).ToArguments(), "hv1");
        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.OperationTimeout, () => tasks.WaitAsync(late.Id, null, TaskWait));
        output.WriteLine(e.Message);

        Assert.Equal("LiveChangeExpired", e.ErrorId);
        using (var hv1 = LibvirtConnection.Open(lab.Hosts[0].LibvirtUri))
        using (var domain = hv1.LookupDomain(vm.Uuid))
            Assert.DoesNotContain($"name='{second}'", domain.GetXml().Replace('"', '\''), StringComparison.Ordinal);
        Assert.Equal(stored, await c.Vms.GetXmlAsync(vm));
        await c.Vms.StopAsync(vm);
        await c.WaitNotRunningAsync(vm.Uuid);
    }

    [Fact]
    public async Task A_live_change_whose_XML_loses_to_another_change_is_undone_on_the_running_guest()
    {
        var c = lab.Cluster;
        var (vm, _) = await DefineWithVolumeAsync("rbd-race", "hv1", 32L << 20, ScsiController);
        var second = await AddVolumeAsync("rbd-race_data", 32L << 20);
        await c.Vms.StartAsync(vm);
        await c.WaitRunningOnAsync(vm.Uuid, "hv1");
        var xmlKey = DomainKeys.Path(vm.Uuid, DomainKeys.Xml);
        var ops = c.Vms;
        // another change of the VM is written between its node's attach and this change's commit
        ops.LiveChangeMade = async (_, ct) =>
        {
            var now = await c.Connection.ZooKeeper.GetDataAsync(xmlKey, cancellationToken: ct);
            await c.Connection.ZooKeeper.SetDataAsync(xmlKey, now.Data, now.Stat.Version, ct);
        };
        var before = await c.Vms.GetXmlAsync(vm);

        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.WriteConflict, () => ops.AddVolumeAsync(vm, second));
        output.WriteLine(e.Message);

        Assert.Contains("undone on the running VM", e.Message, StringComparison.Ordinal);
        using (var hv1 = LibvirtConnection.Open(lab.Hosts[0].LibvirtUri))
        using (var domain = hv1.LookupDomain(vm.Uuid))
        {
            Assert.DoesNotContain($"name='{second}'", domain.GetXml().Replace('"', '\''), StringComparison.Ordinal);
            Assert.Equal(DomainState.Running, domain.GetState().State);
        }
        Assert.Equal(before, await c.Vms.GetXmlAsync(vm));
        await c.Vms.StopAsync(vm);
        await c.WaitNotRunningAsync(vm.Uuid);
    }

    private const string ScsiController = "<controller type='scsi' index='0' model='virtio-scsi'/>";

    /// <summary>A new volume of <paramref name="size"/> bytes in the lab's pool (the volume.add task), as <c>pool/name</c>.</summary>
    private async Task<string> AddVolumeAsync(string name, long size)
    {
        var request = new VolumeRequest(lab.Pool, CephLabFixture.UniqueName(name), size);
        var tasks = lab.Cluster.Connection.Tasks;
        await tasks.WaitAsync((await tasks.SubmitAsync(ClusterTaskKinds.VolumeAdd, request.ToArguments())).Id, null, TaskWait);
        return request.ToString();
    }

    /// <summary>
    /// A new volume of <paramref name="size"/> bytes (the volume.add task) and a stopped tick guest on
    /// <paramref name="node"/> with it as its RBD disk vda, defined through Core as New-PvcVm does; returns the VM and
    /// the volume as <c>pool/name</c>.
    /// </summary>
    private async Task<(VmRef Vm, string Volume)> DefineWithVolumeAsync(string name, string node, long size, string devices = "")
    {
        var c = lab.Cluster;
        var request = new VolumeRequest(lab.Pool, CephLabFixture.UniqueName($"{name}_vda"), size);
        var tasks = c.Connection.Tasks;
        await tasks.WaitAsync((await tasks.SubmitAsync(ClusterTaskKinds.VolumeAdd, request.ToArguments())).Id, null, TaskWait);
        var volume = request.ToString();
        var uuid = Guid.NewGuid();
        var disk = TickGuest.RbdDisk(volume, lab.Ceph.Address, lab.Ceph.MonitorV1Port, "admin", lab.CephSecret);
        var vm = await c.Vms.DefineAsync(new VmDefinition { Xml = TickGuest.Xml(uuid, name, lab.GuestImage, disk + devices), TargetNode = node });
        Assert.Equal([volume], (await c.Connection.Vms.GetAsync(uuid)).Disks.Where(d => d.Type == "rbd").Select(d => d.Source));
        return (vm, volume);
    }

    /// <summary>The address of host <paramref name="index"/>'s end of the lab uplink (its librbd's source address).</summary>
    private string UplinkAddressOf(int index)
    {
        var mon = lab.Ceph.Address.Split('.');
        return string.Join('.', mon[..3].Append((4 * index + 2).ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>The addresses of the clients watching the image's header (<c>rbd status</c>): the QEMUs that have it open.</summary>
    private async Task<List<string>> WatchersAsync(string volume)
    {
        using var json = JsonDocument.Parse(await lab.Ceph.RbdAsync(["status", "--format", "json", volume]));
        // "address": "10.214.1.2:0/123456789", perhaps with a "v1:" or "v2:" in front: the host part tells the hosts apart
        static string Host(string address) => (address.StartsWith("v1:", StringComparison.Ordinal) || address.StartsWith("v2:", StringComparison.Ordinal) ? address[3..] : address).Split(':')[0];
        return [.. json.RootElement.GetProperty("watchers").EnumerateArray().Select(w => Host(w.GetProperty("address").GetString()!))];
    }

    /// <summary>The image's locks (<c>rbd lock ls</c>): each holder's host address (its librbd's source address) and the lock's id.</summary>
    private async Task<List<(string Host, string Id)>> LocksAsync(string volume)
    {
        using var json = JsonDocument.Parse(await lab.Ceph.RbdAsync(["lock", "ls", "--format", "json", volume]));
        static string Host(string address) => (address.StartsWith("v1:", StringComparison.Ordinal) || address.StartsWith("v2:", StringComparison.Ordinal) ? address[3..] : address).Split(':')[0];
        return [.. json.RootElement.EnumerateArray().Select(l => (Host(l.GetProperty("address").GetString()!), l.GetProperty("id").GetString()!))];
    }

    /// <summary>The domain's state per the host's libvirt, or null when it has no such domain.</summary>
    private static DomainState? StateOn(LibvirtConnection host, Guid uuid)
    {
        using var domain = host.TryLookupDomain(uuid);
        return domain?.GetState().State;
    }

    /// <summary>Checks <paramref name="done"/> every 50 ms until it holds, for at most <see cref="Wait"/>.</summary>
    private async Task WaitUntilAsync(Func<bool> done, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!done())
        {
            if (deadline.Elapsed > Wait)
                throw new TimeoutException($"waiting for {what}\n{lab.Logs()}");
            await Task.Delay(50);
        }
    }

    /// <summary>The capacity of the guest's block device <paramref name="target"/> per libvirt (<c>virsh domblkinfo</c>, virDomainGetBlockInfo).</summary>
    private static long BlockCapacity(QemuLabHost host, Guid uuid, string target)
    {
        var info = LabCommand.Run("virsh", "-c", host.LibvirtUri, "domblkinfo", uuid.ToString(), target);
        var line = info.Split('\n').Select(l => l.Split(':', 2)).Single(f => f[0].Trim() == "Capacity");
        return long.Parse(line[1].Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Reads the guest's counter until it has reached <paramref name="ticks"/>; returns the value read.</summary>
    private async Task<ulong> WaitForTicksAsync(LibvirtConnection host, Guid uuid, int ticks)
    {
        using var domain = host.LookupDomain(uuid);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var n = TickGuest.ReadCounter(domain.PeekPhysicalMemory(TickGuest.CounterAddress, 8));
            if (n >= (ulong)ticks)
                return n;
            if (deadline.Elapsed > Wait)
                throw new TimeoutException($"waiting for the guest to count {ticks} ticks (at {n})\n{lab.Logs()}");
            await Task.Delay(50);
        }
    }
}
