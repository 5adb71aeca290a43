using Pvc.Core.Errors;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Core.Tests;

/// <summary>
/// PVC's vm vcpu set, vm memory set and vm dump through Core: the stored XML changed in place (its other content kept),
/// one transaction with the state when a restart is asked for, and every refusal leaving every znode as it was.
/// The seeded nodes have 16 CPUs and 32768 MiB (a VM may have up to 13 vCPUs and less than 32768 MiB there).
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class VmResourceTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task A_stopped_VM_gets_its_vCPUs_with_PVCs_default_topology_and_its_memory_in_MiB()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "db1", "hv1", state: "stop");
        var vm = await ops.ResolveAsync("db1");
        var stored = await ops.GetXmlAsync(vm);

        Assert.Equal(VmChangeEffect.NextStart, await ops.SetResourcesAsync(vm, new VmResourceChange { Vcpus = 4, MemoryMiB = 3072 }));

        var read = await c.Connection.Vms.GetAsync(uuid);
        Assert.Equal((4, new VcpuTopology(1, 4, 1), 3072L, "stop"), (read.Vcpus, read.Topology, read.MemoryMiB, read.State.ToString().ToLowerInvariant()));
        Assert.Equal([new VmDisk("rbd", "vms/db1_sda", "sda", "scsi")], read.Disks);
        var xml = await ops.GetXmlAsync(vm);
        Assert.Contains("<memory unit=\"MiB\">3072</memory>", xml, StringComparison.Ordinal);
        Assert.Contains("<topology sockets=\"1\" cores=\"4\" threads=\"1\" />", xml, StringComparison.Ordinal);
        // the rest of the document is as it was: only the three elements differ
        Assert.Equal(Strip(stored), Strip(xml));
        Assert.Equal("vms/db1_sda", await c.ReadAsync(PvcSeed.VmKey(uuid, "/rbdlist")));

        // a topology alone sets the count it holds; memory alone leaves the vCPUs
        await ops.SetResourcesAsync(vm, new VmResourceChange { Topology = new VcpuTopology(2, 3, 1) });
        await ops.SetResourcesAsync(vm, new VmResourceChange { MemoryMiB = 1024 });
        read = await c.Connection.Vms.GetAsync(uuid);
        Assert.Equal((6, new VcpuTopology(2, 3, 1), 1024L), (read.Vcpus, read.Topology, read.MemoryMiB));

        static string Strip(string xml) => System.Text.RegularExpressions.Regex.Replace(xml, "<(memory|vcpu)[^>]*>[^<]*</\\1>|<topology[^>]*/>|\\s", "").Replace('\'', '"');
    }

    [Fact]
    public async Task A_running_VM_keeps_running_until_restarted_or_restarts_in_the_same_transaction()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1");
        var vm = await ops.ResolveAsync("web1");

        Assert.Equal(VmChangeEffect.PendingRestart, await ops.SetResourcesAsync(vm, new VmResourceChange { Vcpus = 3 }));
        Assert.Equal("start", await c.ReadAsync(PvcSeed.VmKey(uuid, "/state")));
        Assert.Equal(3, (await c.Connection.Vms.GetAsync(uuid)).Vcpus);

        Assert.Equal(VmChangeEffect.Restarting, await ops.SetResourcesAsync(vm, new VmResourceChange { MemoryMiB = 2048 }, restart: true));
        Assert.Equal("restart", await c.ReadAsync(PvcSeed.VmKey(uuid, "/state")));
        Assert.Equal(2048, (await c.Connection.Vms.GetAsync(uuid)).MemoryMiB);
    }

    [Fact]
    public async Task Elements_PVC_would_fail_on_are_added_and_current_values_follow()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = Guid.NewGuid();
        await PvcSeed.AddVmAsync(c.Raw, "bare1", "hv1", state: "stop", uuid: uuid, xml:
            $"<domain type='kvm'><name>bare1</name><uuid>{uuid}</uuid><memory unit='KiB'>1048576</memory><currentMemory unit='KiB'>524288</currentMemory><vcpu current='1'>2</vcpu><devices/></domain>");
        var vm = await ops.ResolveAsync("bare1");

        await ops.SetResourcesAsync(vm, new VmResourceChange { Vcpus = 4, MemoryMiB = 2048 });

        var xml = await ops.GetXmlAsync(vm);
        Assert.Contains("<memory unit=\"MiB\">2048</memory><currentMemory unit=\"MiB\">2048</currentMemory><vcpu>4</vcpu><cpu><topology sockets=\"1\" cores=\"4\" threads=\"1\" /></cpu>", xml, StringComparison.Ordinal);
        Assert.Equal((4, 2048L), ((await c.Connection.Vms.GetAsync(uuid)).Vcpus, (await c.Connection.Vms.GetAsync(uuid)).MemoryMiB));
    }

    [Theory]
    [InlineData(null, null, null, PvcErrorKind.InvalidArgument, "NoChange")]
    [InlineData(0, null, null, PvcErrorKind.InvalidArgument, "InvalidVcpus")]
    [InlineData(null, null, 0L, PvcErrorKind.InvalidArgument, "InvalidMemory")]
    [InlineData(4, "1,2,1", null, PvcErrorKind.InvalidArgument, "InvalidTopology")]
    [InlineData(14, null, null, PvcErrorKind.ResourceUnavailable, "TooManyVcpus")]
    [InlineData(null, null, 32768L, PvcErrorKind.ResourceUnavailable, "InsufficientMemory")]
    public async Task A_change_that_cannot_be_made_writes_nothing(int? vcpus, string? topology, long? memoryMiB, PvcErrorKind kind, string errorId)
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1");
        var vm = await ops.ResolveAsync("web1");
        var before = await PvcSeed.DumpAsync(c.Raw);
        var parts = topology?.Split(',').Select(int.Parse).ToArray();
        var change = new VmResourceChange { Vcpus = vcpus, Topology = parts is null ? null : new VcpuTopology(parts[0], parts[1], parts[2]), MemoryMiB = memoryMiB };

        var e = await PvcAssert.ThrowsAsync(kind, () => ops.SetResourcesAsync(vm, change, restart: true));

        Assert.Equal((errorId, "web1"), (e.ErrorId, e.Target as string));
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));
    }

    [Fact]
    public async Task A_VM_whose_stored_XML_the_policy_refuses_cannot_be_resized_and_nothing_is_written()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        var uuid = Guid.NewGuid();
        // written past Core (as PVC's tools may): a disk on a host file no directory allows
        var xml = PvcSeed.Xml(uuid, "host1").Replace("<devices>", "<devices><disk type='file' device='disk'><source file='/etc/pvc/pvc.conf'/><target dev='vdb' bus='virtio'/></disk>", StringComparison.Ordinal);
        await PvcSeed.AddVmAsync(c.Raw, "host1", "hv1", state: "stop", uuid: uuid, xml: xml);
        var vm = await ops.ResolveAsync("host1");
        var before = await PvcSeed.DumpAsync(c.Raw);

        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.NotAllowed, () => ops.SetResourcesAsync(vm, new VmResourceChange { Vcpus = 2 }));

        Assert.Equal("DomainXmlNotAllowed", e.ErrorId);
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));
        // the dump is the stored text, byte for byte
        Assert.Equal(xml, await ops.GetXmlAsync(vm));
    }

    [Fact]
    public void Disks_and_NICs_are_read_with_libvirts_attribute_rules()
    {
        var uuid = Guid.NewGuid();
        var parsed = DomainXml.Parse($"""
            <domain xmlns:n='urn:x'><name>ns1</name><uuid>{uuid}</uuid><memory>1048576</memory><vcpu>2</vcpu>
            <cpu><topology sockets='2' cores='1' threads='1'/></cpu>
            <devices>
              <disk n:type='network' device='disk'><source n:protocol='rbd' name='vms/ns1_sda'/><target dev='sda' n:bus='scsi'/></disk>
              <interface type='bridge'><mac n:address='52:54:00:AA:BB:CC'/><source bridge='vmbr100'/><model type='virtio'/></interface>
            </devices></domain>
            """);
        Assert.Equal([new VmDisk("rbd", "vms/ns1_sda", "sda", "scsi")], parsed.Disks);
        Assert.Equal([new VmNic("bridge", "52:54:00:aa:bb:cc", "vmbr100", "virtio")], parsed.Nics);
        Assert.Equal(new VcpuTopology(2, 1, 1), parsed.Topology);
        Assert.Equal(["vms/ns1_sda"], parsed.RbdVolumes);
    }

    [Fact]
    public async Task A_volume_is_added_as_a_copy_of_the_last_RBD_disk_on_the_next_device_and_removed_again()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        await PvcSeed.Batch(c.Raw).AddPool("vms", "64", "ssd").AddVolume("vms", "db1_sdb").AddVolume("vms", "db1_data").CommitAsync();
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "db1", "hv1", state: "stop");
        var vm = await ops.ResolveAsync("db1");
        var stored = await ops.GetXmlAsync(vm);

        Assert.Equal(("sdb", VmChangeEffect.NextStart), await ops.AddVolumeAsync(vm, "vms/db1_sdb"));
        Assert.Equal(("vdc", VmChangeEffect.NextStart), await ops.AddVolumeAsync(vm, "vms/db1_data", bus: "virtio", target: "vdc"));

        var read = await c.Connection.Vms.GetAsync(uuid);
        Assert.Equal([new VmDisk("rbd", "vms/db1_sda", "sda", "scsi"), new VmDisk("rbd", "vms/db1_sdb", "sdb", "scsi"), new VmDisk("rbd", "vms/db1_data", "vdc", "virtio")], read.Disks);
        Assert.Equal("vms/db1_sda,vms/db1_sdb,vms/db1_data", await c.ReadAsync(PvcSeed.VmKey(uuid, "/rbdlist")));
        // the copy keeps the template's auth and monitors
        var xml = await ops.GetXmlAsync(vm);
        Assert.Equal(3, xml.Split(PvcSeed.CephSecretUuid).Length - 1);

        // refusals write nothing
        var before = await PvcSeed.DumpAsync(c.Raw);
        Assert.Equal("VolumeAlreadyAttached", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.AddVolumeAsync(vm, "vms/db1_sdb"))).ErrorId);
        Assert.Equal("VolumeNotFound", (await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => ops.AddVolumeAsync(vm, "vms/nope"))).ErrorId);
        Assert.Equal("PoolNotFound", (await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => ops.AddVolumeAsync(vm, "nopool/db1_sdb"))).ErrorId);
        Assert.Equal("VolumeNotAttached", (await PvcAssert.ThrowsAsync(PvcErrorKind.NotFound, () => ops.RemoveVolumeAsync(vm, "vms/nope"))).ErrorId);
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));

        await ops.RemoveVolumeAsync(vm, "vms/db1_data");
        await ops.RemoveVolumeAsync(vm, "vms/db1_sdb");
        Assert.Equal(stored.Replace('\'', '"').Replace("/>", " />", StringComparison.Ordinal), await ops.GetXmlAsync(vm));
        Assert.Equal("vms/db1_sda", await c.ReadAsync(PvcSeed.VmKey(uuid, "/rbdlist")));
    }

    [Fact]
    public async Task A_VM_without_an_RBD_disk_gets_no_volume_as_with_PVC()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        await PvcSeed.Batch(c.Raw).AddPool("vms", "64", "ssd").AddVolume("vms", "bare1_sda").CommitAsync();
        var uuid = Guid.NewGuid();
        await PvcSeed.AddVmAsync(c.Raw, "bare1", "hv1", state: "stop", uuid: uuid, xml: $"<domain type='kvm'><name>bare1</name><uuid>{uuid}</uuid><memory>1048576</memory><vcpu>1</vcpu><devices/></domain>");
        var before = await PvcSeed.DumpAsync(c.Raw);
        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.AddVolumeAsync(new VmRef(uuid, "bare1"), "vms/bare1_sda"));
        Assert.Equal("NoRbdDiskTemplate", e.ErrorId);
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));
    }
}
