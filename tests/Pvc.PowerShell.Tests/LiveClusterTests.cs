using System.Management.Automation;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Security;
using Pvc.Core.Vms;
using Pvc.Testing.ZooKeeper;

namespace Pvc.PowerShell.Tests;

/// <summary>
/// The documented pipelines against a live cluster of its own (<see cref="LiveCluster"/>: ZooKeeper and three real
/// node services on libvirt test-driver hosts), so that it sees no other test's VMs.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class LiveClusterTests(LiveCluster live) : IClassFixture<LiveCluster>
{
    [Fact]
    public void The_documented_pipelines_work_against_real_node_services()
    {
        var ps = live.Ps;
        foreach (var vm in new[] { "web1", "web2" })
            ps.Run("New-PvcVm -Path $args[0] -Node hv1 | Start-PvcVm -Wait -Timeout 60", live.XmlFile(vm)).ThrowIfErrors();

        // Get-PvcVm -Node hv1 | Move-PvcVm -Node hv2 -Wait: both run on hv2, migrated from hv1
        var moved = ps.Run("Get-PvcVm -Node hv1 | Move-PvcVm -Node hv2 -Wait -Timeout 60").ThrowIfErrors().OutputOf<Vm>();
        Assert.Equal(["web1", "web2"], moved.Select(v => v.Name).Order());
        Assert.All(moved, v => Assert.Equal((VmState.Start, "hv2", "hv1"), (v.State, v.Node, v.LastNode)));

        // make the migration permanent (PVC: a move to the node it is on clears the last node)
        var permanent = ps.Run("Get-PvcVm | Move-PvcVm -Node hv2 -Permanent -PassThru").ThrowIfErrors().OutputOf<Vm>();
        Assert.All(permanent, v => Assert.Equal(("hv2", (string?)null), (v.Node, v.LastNode)));

        // Get-PvcNode hv2 | Suspend-PvcNode -Wait: drained, with progress; Resume brings them back
        var result = ps.Run("Get-PvcNode hv2 | Suspend-PvcNode -Wait -Timeout 60 -Confirm:$false").ThrowIfErrors();
        Assert.Equal(NodeDomainState.Flushed, result.OutputOf<Node>().Single().DomainState);
        Assert.Contains(result.Progress, p => p.Activity == "Flushing node hv2" && p.RecordType == ProgressRecordType.Completed);
        Assert.All(ps.Run("Get-PvcVm").ThrowIfErrors().OutputOf<Vm>(), v => Assert.NotEqual("hv2", v.Node));
        ps.Run("Resume-PvcNode hv2 -Wait -Timeout 60").ThrowIfErrors();
        Assert.All(ps.Run("Get-PvcVm").ThrowIfErrors().OutputOf<Vm>(), v => Assert.Equal("hv2", v.Node));

        // -AsJob: the migration runs in a job; Receive-Job returns the VM once its node has moved it
        var job = ps.Run("Move-PvcVm web2 -Node hv1 -AsJob").ThrowIfErrors().Output.Single().BaseObject;
        Assert.Equal("PvcJob", Assert.IsAssignableFrom<Job>(job).PSJobTypeName);
        var received = ps.Run("$args[0] | Wait-Job -Timeout 60 | Receive-Job", job).ThrowIfErrors().OutputOf<Vm>().Single();
        Assert.Equal((VmState.Start, "hv1", "hv2"), (received.State, received.Node, received.LastNode));
        Assert.Equal("Completed", ps.Run("$args[0].State.ToString()", job).OutputOf<string>().Single());

        // stop, then Get-PvcVm -State Stop | Start-PvcVm -Wait
        ps.Run("Stop-PvcVm web1 -Force -Wait -Timeout 60").ThrowIfErrors();
        var started = ps.Run("Get-PvcVm -State Stop | Start-PvcVm -Wait -Timeout 60").ThrowIfErrors().OutputOf<Vm>();
        Assert.Equal(VmState.Start, Assert.Single(started).State);
        Assert.Equal(100, ps.Run("(Get-PvcCluster).Health").OutputOf<int>().Single());
    }
}
