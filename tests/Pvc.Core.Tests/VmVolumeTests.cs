using System.Text.Json.Nodes;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Core.Tests;

/// <summary>
/// PVC's vm volume add and vm volume remove through Core on a stopped VM: the stored XML gets a copy of the VM's RBD
/// disk with the new image on the next free device of its bus, the rbdlist follows in the same transaction, and a
/// refusal writes nothing; and the live-change task's arguments for a disk. The live attach on a running guest is in
/// the QEMU + Ceph lab (QemuCephLabTests).
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class VmVolumeTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task A_stopped_VM_gets_the_volume_on_the_next_free_device_of_its_bus_and_its_rbdlist_follows()
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        await PvcSeed.Batch(c.Raw).AddPool("vms", "64", "ssd").AddVolume("vms", "db1_sda").AddVolume("vms", "db1_data").AddVolume("vms", "db1_logs").CommitAsync();
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "db1", "hv1", state: "stop");
        var vm = await ops.ResolveAsync("db1");

        Assert.Equal(("sdb", VmChangeEffect.NextStart), await ops.AddVolumeAsync(vm, "vms/db1_data"));
        Assert.Equal(("vda", VmChangeEffect.NextStart), await ops.AddVolumeAsync(vm, "vms/db1_logs", bus: "virtio"));

        var read = await c.Connection.Vms.GetAsync(uuid);
        Assert.Equal([new VmDisk("rbd", "vms/db1_sda", "sda", "scsi"), new VmDisk("rbd", "vms/db1_data", "sdb", "scsi"), new VmDisk("rbd", "vms/db1_logs", "vda", "virtio")], read.Disks);
        Assert.Equal("vms/db1_sda,vms/db1_data,vms/db1_logs", await c.ReadAsync(PvcSeed.VmKey(uuid, "/rbdlist")));
        // a copy of the VM's disk: its driver, auth and monitors
        var xml = await ops.GetXmlAsync(vm);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(xml, "<host name=\"hv1\" port=\"6789\""));
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(xml, "discard=\"unmap\""));

        Assert.Equal(VmChangeEffect.NextStart, await ops.RemoveVolumeAsync(vm, "vms/db1_data"));
        Assert.Equal("vms/db1_sda,vms/db1_logs", await c.ReadAsync(PvcSeed.VmKey(uuid, "/rbdlist")));
        Assert.Equal(["sda", "vda"], (await c.Connection.Vms.GetAsync(uuid)).Disks.Select(d => d.Target));
    }

    [Theory]
    [InlineData("vms/web1_sda", null, null, PvcErrorKind.InvalidOperation, "VolumeInUse")]
    [InlineData("vms/db1_sda", null, null, PvcErrorKind.InvalidOperation, "VolumeAlreadyAttached")]
    [InlineData("vms/nothere", null, null, PvcErrorKind.NotFound, "VolumeNotFound")]
    [InlineData("vms/db1_data", null, "sda", PvcErrorKind.InvalidOperation, "DiskTargetInUse")]
    [InlineData("vms/db1_data", "floppy", null, PvcErrorKind.InvalidArgument, "InvalidDiskBus")]
    [InlineData("vms/db1_data", null, "sd'b", PvcErrorKind.InvalidArgument, "InvalidDiskTarget")]
    public async Task A_volume_that_cannot_be_added_writes_nothing(string volume, string? bus, string? target, PvcErrorKind kind, string errorId)
    {
        await using var c = await TestCluster.StartAsync(zk);
        var ops = new VmOperations(c.Connection);
        await PvcSeed.Batch(c.Raw).AddPool("vms", "64", "ssd").AddVolume("vms", "db1_sda").AddVolume("vms", "db1_data").AddVolume("vms", "web1_sda").CommitAsync();
        await PvcSeed.AddVmAsync(c.Raw, "web1", "hv2", state: "stop");
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "db1", "hv1", state: "stop");
        var vm = await ops.ResolveAsync("db1");
        var before = await c.Raw.GetDataAsync(DomainKeys.Path(uuid, DomainKeys.Xml));

        var e = await PvcAssert.ThrowsAsync(kind, () => ops.AddVolumeAsync(vm, volume, bus, target));

        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(before.Stat.Version, (await c.Raw.GetDataAsync(DomainKeys.Path(uuid, DomainKeys.Xml))).Stat.Version);
        Assert.Equal("vms/db1_sda", await c.ReadAsync(PvcSeed.VmKey(uuid, "/rbdlist")));
    }

    [Fact]
    public async Task Two_VMs_adding_one_volume_at_once_cannot_both_get_it()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await PvcSeed.Batch(c.Raw).AddPool("vms", "64", "ssd").AddVolume("vms", "a_sda").AddVolume("vms", "b_sda").AddVolume("vms", "shared").CommitAsync();
        var a = await PvcSeed.AddVmAsync(c.Raw, "a", "hv1", state: "stop");
        var b = await PvcSeed.AddVmAsync(c.Raw, "b", "hv2", state: "stop");
        var opsA = new VmOperations(c.Connection);
        var opsB = new VmOperations(c.Connection);
        var vmA = await opsA.ResolveAsync("a");
        var vmB = await opsB.ResolveAsync("b");
        (string, VmChangeEffect)? addedB = null;
        // B's whole add (its owner check, then its commit) runs after A's owner check passed and before A's commit
        opsA.VolumeOwnerChecked = async (_, ct) => addedB = await opsB.AddVolumeAsync(vmB, "vms/shared", cancellationToken: ct);

        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.WriteConflict, () => opsA.AddVolumeAsync(vmA, "vms/shared"));

        Assert.Equal(("sdb", VmChangeEffect.NextStart), addedB);
        Assert.Equal("VmChangedMeanwhile", e.ErrorId);
        Assert.Equal(["vms/a_sda"], (await c.Connection.Vms.GetAsync(a)).Disks.Select(d => d.Source));
        Assert.Equal(["vms/b_sda", "vms/shared"], (await c.Connection.Vms.GetAsync(b)).Disks.Select(d => d.Source));
        // A's retry sees B as the volume's owner
        opsA.VolumeOwnerChecked = null;
        Assert.Equal("VolumeInUse", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => opsA.AddVolumeAsync(vmA, "vms/shared"))).ErrorId);
    }

    [Fact]
    public async Task A_define_or_a_new_XML_with_another_VMs_volume_is_refused_and_writes_nothing()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await PvcSeed.Batch(c.Raw).AddPool("vms", "64", "ssd").AddVolume("vms", "a_sda").AddVolume("vms", "b_sda").CommitAsync();
        await PvcSeed.AddVmAsync(c.Raw, "a", "hv1", state: "stop");
        var b = await PvcSeed.AddVmAsync(c.Raw, "b", "hv2", state: "stop");
        var ops = new VmOperations(c.Connection);
        var newUuid = Guid.NewGuid();

        var define = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(newUuid, "c", rbd: "vms/a_sda") }));
        var vmB = await ops.ResolveAsync("b");
        var before = await c.Raw.GetDataAsync(DomainKeys.Path(b, DomainKeys.Xml));
        var modify = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => ops.ModifyXmlAsync(vmB, PvcSeed.Xml(b, "b", rbd: "vms/a_sda")));

        Assert.Equal(("VolumeInUse", "VolumeInUse"), (define.ErrorId, modify.ErrorId));
        Assert.Contains("The volume vms/a_sda is a disk of the VM 'a' already", define.Message, StringComparison.Ordinal);
        Assert.Null(await c.Raw.ExistsAsync(DomainKeys.Path(newUuid)));
        Assert.Equal(before.Stat.Version, (await c.Raw.GetDataAsync(DomainKeys.Path(b, DomainKeys.Xml))).Stat.Version);
        // its own volumes (and one PVC's keys do not hold) are no refusal
        await ops.ModifyXmlAsync(vmB, PvcSeed.Xml(b, "b", rbd: "vms/b_sda"));
        await ops.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(newUuid, "c", rbd: "vms/c_sda") });
    }

    [Fact]
    public async Task Two_VMs_defined_with_one_volume_at_once_cannot_both_get_it()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await PvcSeed.Batch(c.Raw).AddPool("vms", "64", "ssd").AddVolume("vms", "shared").CommitAsync();
        var opsA = new VmOperations(c.Connection);
        var opsB = new VmOperations(c.Connection);
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        VmRef? definedB = null;
        // B's whole define (its owner check, then its commit) runs after A's owner check passed and before A's commit
        opsA.VolumeOwnerChecked = async (_, ct) => definedB = await opsB.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(b, "b", rbd: "vms/shared") }, ct);

        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.WriteConflict, () => opsA.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(a, "a", rbd: "vms/shared") }));

        Assert.Equal(b, definedB?.Uuid);
        Assert.Equal("ClusterChangedMeanwhile", e.ErrorId);
        Assert.Null(await c.Raw.ExistsAsync(DomainKeys.Path(a)));
        // A's retry sees B as the volume's owner
        opsA.VolumeOwnerChecked = null;
        Assert.Equal("VolumeInUse", (await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => opsA.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(a, "a", rbd: "vms/shared") }))).ErrorId);
    }

    [Fact]
    public async Task A_new_XML_and_a_define_taking_one_volume_at_once_cannot_both_get_it()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await PvcSeed.Batch(c.Raw).AddPool("vms", "64", "ssd").AddVolume("vms", "a_sda").AddVolume("vms", "shared").CommitAsync();
        var a = await PvcSeed.AddVmAsync(c.Raw, "a", "hv1", state: "stop");
        var opsA = new VmOperations(c.Connection);
        var opsB = new VmOperations(c.Connection);
        var vmA = await opsA.ResolveAsync("a");
        var b = Guid.NewGuid();
        opsA.VolumeOwnerChecked = async (_, ct) => await opsB.DefineAsync(new VmDefinition { Xml = PvcSeed.Xml(b, "b", rbd: "vms/shared") }, ct);

        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.WriteConflict, () => opsA.ModifyXmlAsync(vmA, PvcSeed.Xml(a, "a", rbd: "vms/shared")));

        Assert.Equal("VmChangedMeanwhile", e.ErrorId);
        Assert.Equal(["vms/a_sda"], (await c.Connection.Vms.GetAsync(a)).Disks.Select(d => d.Source));
        Assert.Equal(["vms/shared"], (await c.Connection.Vms.GetAsync(b)).Disks.Select(d => d.Source));
    }

    [Fact]
    public void The_live_attach_of_a_disk_carries_the_copied_disk_and_its_undo_detaches_it_by_its_device()
    {
        var uuid = Guid.NewGuid();
        var vm = new VmRef(uuid, "db1");
        var (xml, target) = VmDiskXml.Add(vm, PvcSeed.Xml(uuid, "db1"), "vms/db1_data", null, null);

        var attach = VmDiskXml.LiveChange(vm, xml, target, attach: true);

        Assert.NotNull(attach);
        Assert.Equal(attach, VmLiveChange.FromArguments(attach.ToArguments()));
        Assert.Equal(
            $"<disk type='network' device='disk'><driver name='qemu' discard='unmap' cache='none'/><auth username='libvirt'><secret type='ceph' uuid='{PvcSeed.CephSecretUuid}'/></auth>"
            + "<source protocol='rbd' name='vms/db1_data'><host name='hv1' port='6789'/><host name='hv2' port='6789'/><host name='hv3' port='6789'/></source><target dev='sdb' bus='scsi'/></disk>",
            attach.DeviceXml());
        var undo = attach.Inverse();
        Assert.Equal((VmLiveChangeKind.DetachDisk, "<disk type='network' device='disk'><source protocol='rbd' name='vms/db1_data'/><target dev='sdb'/></disk>"), (undo!.Kind, undo.DeviceXml()));
        Assert.Equal(attach with { NotAfter = null }, undo.Inverse());
    }

    [Theory]
    [InlineData("""{"vm":"00000000-0000-0000-0000-000000000001","change":"attach_disk","volume":"vms/x","target":"sdb","monitors":"hv1 6789;mon_host=evil"}""")]
    [InlineData("""{"vm":"00000000-0000-0000-0000-000000000001","change":"attach_disk","volume":"vms/x'/><x","target":"sdb","monitors":"hv1"}""")]
    [InlineData("""{"vm":"00000000-0000-0000-0000-000000000001","change":"attach_disk","volume":"vms/x","target":"sd'b","monitors":"hv1"}""")]
    [InlineData("""{"vm":"00000000-0000-0000-0000-000000000001","change":"attach_disk","volume":"vms/x","target":"sdb","monitors":"hv1","bus":"floppy"}""")]
    [InlineData("""{"vm":"00000000-0000-0000-0000-000000000001","change":"attach_disk","volume":"vms/x","target":"sdb","monitors":"hv1","ceph_user":"libvirt"}""")]
    [InlineData("""{"vm":"00000000-0000-0000-0000-000000000001","change":"attach_disk","volume":"vms/x","target":"sdb","monitors":"hv1 99999"}""")]
    [InlineData("""{"vm":"00000000-0000-0000-0000-000000000001","change":"detach_disk","volume":"x","target":"sdb"}""")]
    [InlineData("""{"vm":"00000000-0000-0000-0000-000000000001","change":"set_vcpus","vcpus":2,"not_after":"tomorrow"}""")]
    public void A_disk_change_whose_arguments_are_not_valid_reaches_no_libvirt_call(string json)
    {
        var e = Assert.Throws<PvcException>(() => VmLiveChange.FromArguments(JsonNode.Parse(json)!.AsObject()));
        Assert.Equal((PvcErrorKind.InvalidData, "TaskRecordInvalid"), (e.Kind, e.ErrorId));
    }
}
