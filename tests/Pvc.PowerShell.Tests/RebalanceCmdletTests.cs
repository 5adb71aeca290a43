using System.Management.Automation;
using Pvc.Core.Placement;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.ZooKeeper;

namespace Pvc.PowerShell.Tests;

/// <summary>
/// Invoke-PvcRebalance and Set-PvcVm -DrainStrategy against a live cluster of its own (ZooKeeper and three real node
/// services on libvirt test-driver hosts): -WhatIf moves nothing and names each move, a run moves the VMs with
/// progress and converges, a second run makes no move; the flush preview shows each VM's strategy.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class RebalanceCmdletTests(LiveCluster live) : IClassFixture<LiveCluster>
{
    [Fact]
    public void A_rebalance_shows_its_moves_under_WhatIf_makes_them_with_progress_and_a_second_run_makes_none()
    {
        var ps = live.Ps;
        foreach (var vm in new[] { "b1", "b2", "b3", "b4" })
            ps.Run("New-PvcVm -Path $args[0] -Node hv1 | Start-PvcVm -Wait -Timeout 60", live.XmlFile(vm)).ThrowIfErrors();

        var preview = ps.Run("Invoke-PvcRebalance -WhatIf").ThrowIfErrors();
        Assert.Matches(@"What if: Performing the operation ""Move VM from hv1 to hv\d \(cluster score -\d\.\d{4}\)"" on target ""b\d""", preview.HostText);
        Assert.Empty(preview.Output);
        Assert.All(ps.Run("Get-PvcVm").ThrowIfErrors().OutputOf<Vm>(), v => Assert.Equal("hv1", v.Node));

        var result = ps.Run("Invoke-PvcRebalance -ThrottleLimit 2 -Timeout 120 -Confirm:$false").ThrowIfErrors();
        var moves = result.OutputOf<PlacementMove>();
        Assert.True(moves.Count >= 2, $"{moves.Count} move(s)");
        Assert.Contains(result.Progress, p => p.Activity == "Rebalancing" && p.RecordType == ProgressRecordType.Completed);
        Assert.Contains(result.Progress, p => p.Activity == "Rebalancing" && p.StatusDescription.Contains("moving b", StringComparison.Ordinal));
        var vms = ps.Run("Get-PvcVm").ThrowIfErrors().OutputOf<Vm>();
        Assert.All(moves, m => Assert.Equal((VmState.Start, m.To), vms.Single(v => v.Name == m.VmName) is var v ? (v.State, v.Node) : default));
        Assert.Empty(ps.Run("Get-PvcPlacementRecommendation").ThrowIfErrors().Output);
        Assert.Empty(ps.Run("Invoke-PvcRebalance -Confirm:$false").ThrowIfErrors().Output);

        // the flush preview names each VM's strategy
        ps.Run("Set-PvcVm b1 -DrainStrategy Restart; Set-PvcVm b2 -DrainStrategy Stop").ThrowIfErrors();
        var node = vms.Single(v => v.Name == "b1").Node!;
        var plan = ps.Run("Suspend-PvcNode $args[0] -WhatIf", node).ThrowIfErrors().HostText;
        Assert.Matches(@"b1 -> hv\d \(restart: shut down, started there\)", plan);
        if (vms.Single(v => v.Name == "b2").Node == node)
            Assert.Contains("b2: stop (shut down, started again when the node is readied)", plan, StringComparison.Ordinal);
        var bad = ps.Run("Set-PvcVm b1 -DrainStrategy Sideways");
        Assert.Equal("CannotConvertArgumentNoMessage", Assert.Single(bad.Errors).FullyQualifiedErrorId.Split(',')[0]);
    }
}
