using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Cluster;

/// <summary>
/// Issue 13 (defence in depth): Core checks the cluster's domain XML policy on every define and modify, but XML written
/// straight into ZooKeeper reached libvirt unchecked. The node service now applies the same policy before it starts a
/// domain: a refusal marks the VM "fail" with the reason, and nothing runs.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class DomainXmlPolicyNodeTests(ZooKeeperFixture zk)
{
    [Theory]
    [InlineData("<qemu:commandline xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'><qemu:arg value='-S'/></qemu:commandline></domain>", "qemu:commandline")]
    // rev13b P1-2: the hypervisor's own pvc.conf (ZooKeeper credentials, IPMI password) as a disk; was started
    [InlineData("<devices><disk type='file' device='disk'><source file='/etc/pvc/pvc.conf'/><target dev='vdz' bus='virtio'/></disk></devices></domain>", "/etc/pvc/pvc.conf")]
    public async Task A_VM_whose_XML_was_written_past_Core_with_host_access_is_failed_not_started(string smuggled, string named)
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 1);
        var uuid = Guid.NewGuid();
        var xml = PvcSeed.Xml(uuid, "smuggled").Replace("</domain>", smuggled, StringComparison.Ordinal);
        Assert.Contains(named, xml, StringComparison.Ordinal);
        await PvcSeed.AddVmAsync(c.Connection.ZooKeeper, "smuggled", "hv1", state: "start", uuid: uuid, xml: xml);

        // before: started as written
        await c.WaitAsync(DomainKeys.Path(uuid, DomainKeys.State), s => s == "fail", "the VM failed by the node");
        var reason = await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.FailedReason));
        Assert.Contains("domain XML policy", reason, StringComparison.Ordinal);
        Assert.Contains(named, reason, StringComparison.Ordinal);
        await c.WaitNotRunningAsync(uuid);
        Assert.DoesNotContain("Starting VM smuggled", File.ReadAllText(c.Nodes[0].LogPath), StringComparison.Ordinal);
    }
}
