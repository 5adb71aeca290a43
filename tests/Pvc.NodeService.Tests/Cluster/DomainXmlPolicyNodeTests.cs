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
    [Fact]
    public async Task A_VM_whose_XML_was_written_past_Core_with_qemu_commandline_is_failed_not_started()
    {
        await using var c = await NodeServiceCluster.StartReadyAsync(zk, count: 1);
        var uuid = Guid.NewGuid();
        var xml = PvcSeed.Xml(uuid, "smuggled").Replace("</domain>",
            "<qemu:commandline xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'><qemu:arg value='-S'/></qemu:commandline></domain>", StringComparison.Ordinal);
        Assert.Contains("qemu:commandline", xml, StringComparison.Ordinal);
        await PvcSeed.AddVmAsync(c.Connection.ZooKeeper, "smuggled", "hv1", state: "start", uuid: uuid, xml: xml);

        // before: started as written
        await c.WaitAsync(DomainKeys.Path(uuid, DomainKeys.State), s => s == "fail", "the VM failed by the node");
        var reason = await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.FailedReason));
        Assert.Contains("domain XML policy", reason, StringComparison.Ordinal);
        Assert.Contains("qemu:commandline", reason, StringComparison.Ordinal);
        await c.WaitNotRunningAsync(uuid);
        Assert.DoesNotContain("Starting VM smuggled", File.ReadAllText(c.Nodes[0].LogPath), StringComparison.Ordinal);
    }
}
