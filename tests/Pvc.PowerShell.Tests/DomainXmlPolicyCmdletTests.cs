using Pvc.Core.Cluster;
using Pvc.Core.Vms;
using Pvc.PowerShell.Tests.BadInput;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.PowerShell.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class DomainXmlPolicyCmdletTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task An_administrator_allows_host_devices_by_name_and_then_a_VM_may_have_one()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        var uuid = Guid.NewGuid();
        var gpu = DomainXmlSamples.Case("hostdev", uuid, "gpu1");
        Assert.Equal("DomainXmlNotAllowed", c.Ps.Run("New-PvcVm -Xml $args[0] -Node hv1", gpu).Errors.Single().FullyQualifiedErrorId.Split(',')[0]);

        // -WhatIf says what it would allow and writes nothing
        var before = await PvcSeed.DumpAsync(c.Raw);
        var whatIf = c.Ps.Run("Set-PvcCluster -AllowDomainXml HostDevice, QemuCommandLine -Maintenance $true -WhatIf").ThrowIfErrors();
        Assert.Contains("Turn maintenance on; Allow in domain XML: QemuCommandLine, HostDevice", whatIf.HostText, StringComparison.Ordinal);
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));

        var status = c.Ps.Run("Set-PvcCluster -AllowDomainXml HostDevice -PassThru").ThrowIfErrors().OutputOf<ClusterStatus>().Single();
        Assert.Equal([DomainXmlFeature.HostDevice], status.AllowedDomainXml);
        Assert.Equal("hostdev", await c.ReadAsync("/config/domain_xml_allow"));
        var rendered = System.Text.RegularExpressions.Regex.Replace(c.Ps.Render("Get-PvcCluster").ThrowIfErrors().HostText, "\u001b\\[[0-9;]*m", "");
        Assert.Contains("AllowedDomainXml : HostDevice", rendered, StringComparison.Ordinal);

        Assert.Equal(uuid, c.Ps.Run("New-PvcVm -Xml $args[0] -Node hv1", gpu).ThrowIfErrors().OutputOf<Vm>().Single().Uuid);
        // a QEMU command line is still not allowed, and the advice keeps the host devices
        var qemu = c.Ps.Run("New-PvcVm -Xml $args[0] -Node hv1", DomainXmlSamples.Case("qemu-commandline", Guid.NewGuid()));
        Assert.Contains("Set-PvcCluster -AllowDomainXml QemuCommandLine, HostDevice.", qemu.Errors.Single().Exception.Message, StringComparison.Ordinal);

        // an empty list allows none again
        c.Ps.Run("Set-PvcCluster -AllowDomainXml @()").ThrowIfErrors();
        Assert.Equal("", await c.ReadAsync("/config/domain_xml_allow"));
        Assert.Equal("DomainXmlNotAllowed", c.Ps.Run("Set-PvcVm gpu1 -Xml $args[0]", gpu).Errors.Single().FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public async Task An_administrator_allows_a_directory_and_then_a_VM_may_have_a_file_disk_in_it()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        var uuid = Guid.NewGuid();
        var disk = DomainXmlSamples.Domain(uuid, "img1", devices: "<disk type='file' device='disk'><source file='/var/lib/pvc/images/img1.qcow2'/><target dev='vdb' bus='virtio'/></disk>");
        var refused = c.Ps.Run("New-PvcVm -Xml $args[0] -Node hv1", disk).Errors.Single();
        Assert.Contains("To allow it: Set-PvcCluster -AllowDomainXmlPath with a directory that holds /var/lib/pvc/images/img1.qcow2", refused.Exception.Message, StringComparison.Ordinal);

        var before = await PvcSeed.DumpAsync(c.Raw);
        Assert.Contains("Allow host paths in domain XML under: /var/lib/pvc/images", c.Ps.Run("Set-PvcCluster -AllowDomainXmlPath /var/lib/pvc/images/ -WhatIf").ThrowIfErrors().HostText, StringComparison.Ordinal);
        Assert.Equal(before, await PvcSeed.DumpAsync(c.Raw));
        var status = c.Ps.Run("Set-PvcCluster -AllowDomainXmlPath /var/lib/pvc/images/, /srv/iso -PassThru").ThrowIfErrors().OutputOf<ClusterStatus>().Single();
        Assert.Equal(["/var/lib/pvc/images", "/srv/iso"], status.AllowedDomainXmlPaths);
        Assert.Equal("/var/lib/pvc/images,/srv/iso", await c.ReadAsync("/config/domain_xml_paths"));
        Assert.Equal(uuid, c.Ps.Run("New-PvcVm -Xml $args[0] -Node hv1", disk).ThrowIfErrors().OutputOf<Vm>().Single().Uuid);

        c.Ps.Run("Set-PvcCluster -AllowDomainXmlPath @()").ThrowIfErrors();
        Assert.Equal("", await c.ReadAsync("/config/domain_xml_paths"));
        Assert.Equal("DomainXmlNotAllowed", c.Ps.Run("Set-PvcVm img1 -Xml $args[0]", disk).Errors.Single().FullyQualifiedErrorId.Split(',')[0]);
    }
}
