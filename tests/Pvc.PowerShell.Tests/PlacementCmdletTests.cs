using Pvc.Core.Placement;
using Pvc.Testing.ZooKeeper;

namespace Pvc.PowerShell.Tests;

/// <summary>The placement cmdlets in a hosted engine against a real ZooKeeper: rules made, shown, used by -WhatIf, removed; recommendations.</summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class PlacementCmdletTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task Rules_are_created_listed_shown_in_a_flush_preview_and_removed_and_bad_ones_are_refused_with_their_error_ids()
    {
        await using var c = await SeededCluster.StartAsync(zk);

        var created = c.Ps.Run("New-PvcPlacementRule web-apart -Vm web1, web2 -Hard").ThrowIfErrors().OutputOf<PlacementRule>();
        Assert.Equal(("web-apart", PlacementRuleKind.KeepApart, true), (created[0].Name, created[0].Kind, created[0].Hard));
        c.Ps.Run("New-PvcPlacementRule web-db -Vm web1, db1 -Type KeepTogether").ThrowIfErrors();

        var shown = c.Ps.Render("Get-PvcPlacementRule");
        Assert.Contains("web-apart", shown.HostText, StringComparison.Ordinal);
        Assert.Contains("KeepTogether", shown.HostText, StringComparison.Ordinal);
        Assert.Equal(["web-db"], c.Ps.Run("Get-PvcPlacementRule | Where-Object VmNames -Contains 'db1'").OutputOf<PlacementRule>().Select(r => r.Name));

        // web1 and web2 run on hv1: the preview sends them to two nodes and names their rules
        var preview = c.Ps.Run("Suspend-PvcNode hv1 -WhatIf");
        Assert.Matches(@"web1 -> hv\d \(live\) \[rule web-apart", preview.HostText);
        Assert.Equal("ready", await c.ReadAsync("/nodes/hv1/domainstate"));

        var taken = c.Ps.Run("New-PvcPlacementRule web-apart -Vm web1, db1");
        Assert.Equal("PlacementRuleExists", Assert.Single(taken.Errors).FullyQualifiedErrorId.Split(',')[0]);
        var solo = c.Ps.Run("New-PvcPlacementRule solo -Vm web1");
        Assert.Equal("PlacementRuleTooFewVms", Assert.Single(solo.Errors).FullyQualifiedErrorId.Split(',')[0]);

        c.Ps.Run("Get-PvcPlacementRule | Remove-PvcPlacementRule -Confirm:$false").ThrowIfErrors();
        Assert.Empty(c.Ps.Run("Get-PvcPlacementRule").ThrowIfErrors().Output);
        Assert.Equal("PlacementRuleNotFound", Assert.Single(c.Ps.Run("Remove-PvcPlacementRule web-apart -Confirm:$false").Errors).FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public async Task A_recommendation_moves_a_VM_off_the_crowded_node_and_names_the_score_it_improves()
    {
        await using var c = await SeededCluster.StartAsync(zk);

        // web1 and web2 run on hv1, nothing runs on hv2 and hv3
        var moves = c.Ps.Run("Get-PvcPlacementRecommendation").ThrowIfErrors().OutputOf<PlacementMove>();

        var move = Assert.Single(moves);
        Assert.Equal("hv1", move.From);
        Assert.NotEqual("hv1", move.To);
        Assert.True(move.Improvement > 0);
        Assert.Contains(move.VmName, c.Ps.Render("Get-PvcPlacementRecommendation").HostText, StringComparison.Ordinal);
    }
}
