using System.Xml.Linq;
using Pvc.NodeService.Storage;

namespace Pvc.NodeService.Tests.Storage;

/// <summary>Which disk of a running domain a volume's resize reaches: pure XML, no libvirt (the QEMU lab resizes a real one).</summary>
public sealed class GuestVolumeResizeTests
{
    private static readonly XElement Domain = XElement.Parse("""
        <domain type='qemu'>
          <name>web1</name>
          <devices>
            <disk type='file' device='disk'><source file='/var/lib/vms/vms/data'/><target dev='vda' bus='virtio'/></disk>
            <disk type='network' device='disk'><source protocol='nbd' name='vms/data'/><target dev='vdb' bus='virtio'/></disk>
            <disk type='network' device='disk'><source protocol='rbd' name='vms/web1_sda'><host name='10.0.0.1' port='6789'/></source><target dev='sda' bus='scsi'/></disk>
            <disk type='network' device='disk'><source protocol='rbd' name='vms/data'/><target dev='sdb' bus='scsi'/></disk>
          </devices>
        </domain>
        """);

    [Theory]
    [InlineData("vms/web1_sda", "sda")]
    [InlineData("vms/data", "sdb")] // the RBD disk of that image, not a file or NBD disk whose source reads alike
    [InlineData("vms/other", null)] // not a disk of the running definition (added to the stored XML since it started)
    [InlineData("ssd/data", null)]
    public void The_RBD_disk_of_the_volume_is_found_by_its_image(string image, string? target) =>
        Assert.Equal(target, GuestVolumeResize.TargetOf(Domain, image));

    [Fact]
    public void A_target_that_is_not_a_plain_device_name_is_not_passed_to_libvirt() =>
        Assert.Null(GuestVolumeResize.TargetOf(XElement.Parse("""
            <domain><devices><disk type='network'><source protocol='rbd' name='vms/a'/><target dev='../sda'/></disk></devices></domain>
            """), "vms/a"));
}
