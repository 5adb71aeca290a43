using Pvc.Core.Nodes;
using Pvc.Core.Placement;
using Pvc.Core.Schema;
using Pvc.Core.Vms;

namespace Pvc.Core.Tests;

public sealed class TargetNodeSelectorTests
{
    private static Node N(string name, long free = 1000, long used = 1000, long prov = 0, double load = 1, int vcpus = 0, int vms = 0,
        NodeDaemonState daemon = NodeDaemonState.Run, NodeDomainState domain = NodeDomainState.Ready) => new()
    {
        Name = name, MemoryFreeMiB = free, MemoryUsedMiB = used, MemoryProvisionedMiB = prov, CpuLoad = load,
        VcpusAllocated = vcpus, VmCount = vms, DaemonState = daemon, DomainState = domain,
    };

    private static string? Pick(NodeSelector selector, params Node[] nodes) =>
        TargetNodeSelector.Select(nodes, new PlacementRequest("hv0", [], selector, NodeSelector.Mem)).Target;

    [Fact]
    public void Each_selector_picks_as_PVC_does()
    {
        Assert.Equal("b", Pick(NodeSelector.Mem, N("a", free: 100), N("b", free: 300), N("c", free: 200)));
        // memprov: most of used + free - provisioned
        Assert.Equal("a", Pick(NodeSelector.MemProv, N("a", free: 100, used: 900, prov: 200), N("b", free: 500, used: 500, prov: 600)));
        Assert.Equal("c", Pick(NodeSelector.Load, N("a", load: 2), N("b", load: 1.5), N("c", load: 0.2)));
        Assert.Equal("a", Pick(NodeSelector.Vcpus, N("a", vcpus: 2), N("b", vcpus: 8)));
        Assert.Equal("b", Pick(NodeSelector.Vms, N("a", vms: 5), N("b", vms: 1)));
        // ties keep the first by name; the cluster default applies when the VM has none
        Assert.Equal("a", Pick(NodeSelector.Default, N("b", free: 100), N("a", free: 100)));
    }

    [Fact]
    public void Only_other_run_ready_nodes_within_the_limit_qualify_and_the_rest_are_explained()
    {
        var nodes = new[]
        {
            N("hv0"), N("hv1", daemon: NodeDaemonState.Stop), N("hv2", domain: NodeDomainState.Flushed), N("hv3"), N("hv4", free: 99999),
        };
        var result = TargetNodeSelector.Select(nodes, new PlacementRequest("hv0", ["hv0", "hv1", "hv2", "hv3"], NodeSelector.Mem, NodeSelector.Mem));
        Assert.Equal("hv3", result.Target);
        Assert.Equal(["hv0: the VM's current node", "hv1: its service is stop, not run", "hv2: it is flushed, not ready", "hv4: not in the VM's node limit (hv0,hv1,hv2,hv3)"], result.Rejections);
        var none = TargetNodeSelector.Select(nodes.Take(3), new PlacementRequest("hv0", [], NodeSelector.Mem, NodeSelector.Mem));
        Assert.Null(none.Target);
        Assert.Contains("hv2: it is flushed", none.Explanation, StringComparison.Ordinal);
    }
}
