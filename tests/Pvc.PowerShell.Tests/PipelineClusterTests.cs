using System.Management.Automation;
using Pvc.Core.Nodes;
using Pvc.Core.Vms;
using Pvc.Testing.ZooKeeper;

namespace Pvc.PowerShell.Tests;

/// <summary>
/// Objects carry the cluster they came from: a piped VM or node is acted on in its own cluster, not in the runspace's
/// default one. Two real clusters (two chroots of one ZooKeeper server) seeded alike, so the same names exist in both.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class PipelineClusterTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task A_piped_node_is_suspended_in_the_cluster_it_came_from_not_in_the_default_one()
    {
        await using var a = await SeededCluster.StartAsync(zk);
        await using var b = await SeededCluster.StartAsync(zk);
        // a's session: a is the default, b is connected beside it
        a.Ps.Run("$b = Connect-PvcCluster $args[0] -NoDefault", b.Chroot).ThrowIfErrors();

        var nodes = a.Ps.Run("Get-PvcNode -Cluster $b hv1 | Suspend-PvcNode -Confirm:$false -PassThru").ThrowIfErrors().OutputOf<Node>();

        Assert.Equal("hv1", Assert.Single(nodes).Name);
        Assert.Equal("flush", await b.ReadAsync("/nodes/hv1/domainstate"));
        Assert.Equal("ready", await a.ReadAsync("/nodes/hv1/domainstate"));
    }

    [Fact]
    public async Task Piped_VMs_are_moved_in_the_cluster_they_came_from_and_what_they_emit_carries_it_on()
    {
        await using var a = await SeededCluster.StartAsync(zk);
        await using var b = await SeededCluster.StartAsync(zk);
        a.Ps.Run("$b = Connect-PvcCluster $args[0] -NoDefault", b.Chroot).ThrowIfErrors();

        a.Ps.Run("Get-PvcVm -Cluster $b web1 | Move-PvcVm -Node hv2").ThrowIfErrors();
        Assert.Equal(("migrate", "hv2"), (await b.StateAsync("web1"), await b.NodeOfAsync("web1")));
        Assert.Equal(("start", "hv1"), (await a.StateAsync("web1"), await a.NodeOfAsync("web1")));

        // what a cmdlet emits carries the cluster on to the next one (a stopped VM moves at once: only its node changes)
        a.Ps.Run("Get-PvcVm -Cluster $b db1 | Move-PvcVm -Node hv3 -PassThru | Start-PvcVm").ThrowIfErrors();
        Assert.Equal(("start", "hv3"), (await b.StateAsync("db1"), await b.NodeOfAsync("db1")));
        Assert.Equal(("stop", "hv2"), (await a.StateAsync("db1"), await a.NodeOfAsync("db1")));

        // a VM held in a variable keeps its cluster
        a.Ps.Run("$v = Get-PvcVm -Cluster $b db1; $v | Stop-PvcVm -Force").ThrowIfErrors();
        Assert.Equal(("stop", "stop"), (await b.StateAsync("db1"), await a.StateAsync("db1")));
        Assert.Equal("hv3", await b.NodeOfAsync("db1"));
    }

    [Fact]
    public async Task An_explicit_Cluster_other_than_the_piped_objects_is_an_error_and_nothing_is_written()
    {
        await using var a = await SeededCluster.StartAsync(zk);
        await using var b = await SeededCluster.StartAsync(zk);
        a.Ps.Run("$b = Connect-PvcCluster $args[0] -NoDefault; $a = Connect-PvcCluster $args[1] -NoDefault", b.Chroot, a.Chroot).ThrowIfErrors();

        var result = a.Ps.Run("Get-PvcVm -Cluster $b web1, web2 | Move-PvcVm -Cluster $a -Node hv2");

        Assert.Equal(2, result.Errors.Count);
        foreach (var error in result.Errors)
        {
            Assert.Equal("ClusterMismatch,Pvc.PowerShell.Cmdlets.MovePvcVmCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        }
        foreach (var c in new[] { a, b })
            Assert.Equal(("start", "hv1"), (await c.StateAsync("web1"), await c.NodeOfAsync("web1")));
        // the same connection given explicitly is no mismatch
        a.Ps.Run("Get-PvcVm -Cluster $b web1 | Move-PvcVm -Cluster $b -Node hv3").ThrowIfErrors();
        Assert.Equal("hv3", await b.NodeOfAsync("web1"));
    }

    [Fact]
    public async Task The_same_cluster_reached_under_another_server_string_is_no_mismatch()
    {
        await using var a = await SeededCluster.StartAsync(zk);
        await using var b = await SeededCluster.StartAsync(zk);
        // b's servers written another way (the server twice): another connection string, the same cluster
        a.Ps.Run("$b = Connect-PvcCluster $args[0] -NoDefault; $b2 = Connect-PvcCluster ($args[0] -replace '^([^/]+)', '$1,$1') -NoDefault", b.Chroot).ThrowIfErrors();

        // before: ClusterMismatch (the connections were compared by their server strings)
        a.Ps.Run("Get-PvcVm -Cluster $b web1 | Move-PvcVm -Cluster $b2 -Node hv3").ThrowIfErrors();
        Assert.Equal("hv3", await b.NodeOfAsync("web1"));
        Assert.Equal("hv1", await a.NodeOfAsync("web1"));
        // and another cluster under its own string still is one
        var result = a.Ps.Run("$a = Connect-PvcCluster $args[0] -NoDefault; Get-PvcVm -Cluster $b db1 | Move-PvcVm -Cluster $a -Node hv3", a.Chroot);
        Assert.StartsWith("ClusterMismatch,", Assert.Single(result.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exported_objects_name_their_cluster_and_imported_rows_act_in_it_or_not_at_all()
    {
        await using var a = await SeededCluster.StartAsync(zk);
        await using var b = await SeededCluster.StartAsync(zk);
        var csv = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid()}.csv");
        try
        {
            a.Ps.Run("$b = Connect-PvcCluster $args[0] -NoDefault; Get-PvcVm -Cluster $b web1 | Export-Csv -LiteralPath $args[1]", b.Chroot, csv).ThrowIfErrors();
            // the JSON of an object names its cluster, not the session behind it
            var json = a.Ps.Run("Get-PvcVm -Cluster $b web1 | ConvertTo-Json -Depth 5").ThrowIfErrors().Output.Single().ToString()!;
            Assert.Contains("\"Servers\": \"" + b.Chroot, json, StringComparison.Ordinal);
            Assert.DoesNotContain("SessionId", json, StringComparison.Ordinal);

            a.Ps.Run("Import-Csv -LiteralPath $args[0] | Stop-PvcVm -Force", csv).ThrowIfErrors();
            Assert.Equal(("stop", "start"), (await b.StateAsync("web1"), await a.StateAsync("web1")));

            // once that connection is closed, the rows name no cluster this runspace has: refused, nothing written
            a.Ps.Run("Disconnect-PvcCluster $b").ThrowIfErrors();
            var refused = a.Ps.Run("Import-Csv -LiteralPath $args[0] | Start-PvcVm", csv);
            Assert.NotEmpty(refused.Errors);
            Assert.Equal(("stop", "start"), (await b.StateAsync("web1"), await a.StateAsync("web1")));
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Fact]
    public async Task Selected_objects_and_imported_rows_of_another_cluster_than_an_explicit_Cluster_are_a_mismatch()
    {
        await using var a = await SeededCluster.StartAsync(zk);
        await using var b = await SeededCluster.StartAsync(zk);
        var csv = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid()}.csv");
        try
        {
            a.Ps.Run("$b = Connect-PvcCluster $args[0] -NoDefault; $a = Connect-PvcCluster $args[1] -NoDefault; Get-PvcVm -Cluster $b web1 | Export-Csv -LiteralPath $args[2]",
                b.Chroot, a.Chroot, csv).ThrowIfErrors();

            // before: the row's and the selection's name was looked up in $a, and a's web1 was stopped, a's hv1 drained
            foreach (var script in new[]
            {
                "Get-PvcVm -Cluster $b web1 | Select-Object Name, Cluster | Stop-PvcVm -Cluster $a -Force",
                "Import-Csv -LiteralPath $args[0] | Stop-PvcVm -Cluster $a -Force",
                "Get-PvcNode -Cluster $b hv1 | Select-Object Name, Cluster | Suspend-PvcNode -Cluster $a -Confirm:$false",
            })
            {
                var error = Assert.Single(a.Ps.Run(script, csv).Errors);
                Assert.StartsWith("ClusterMismatch,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            }
            foreach (var c in new[] { a, b })
                Assert.Equal(("start", "ready"), (await c.StateAsync("web1"), await c.ReadAsync("/nodes/hv1/domainstate")));

            // without -Cluster, the selection acts where it came from
            a.Ps.Run("Get-PvcVm -Cluster $b web1 | Select-Object Name, Cluster | Stop-PvcVm -Force").ThrowIfErrors();
            Assert.Equal(("stop", "start"), (await b.StateAsync("web1"), await a.StateAsync("web1")));
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Fact]
    public async Task An_object_whose_connection_was_closed_is_refused_by_name_of_the_cause_and_the_others_go_on()
    {
        await using var a = await SeededCluster.StartAsync(zk);
        await using var b = await SeededCluster.StartAsync(zk);
        a.Ps.Run("$b = Connect-PvcCluster $args[0] -NoDefault; $old = Get-PvcVm -Cluster $b web1; Disconnect-PvcCluster $b", b.Chroot).ThrowIfErrors();

        var result = a.Ps.Run("@($old; Get-PvcVm web2) | Stop-PvcVm -Force");

        var error = Assert.Single(result.Errors);
        Assert.Equal("ClusterDisconnected,Pvc.PowerShell.Cmdlets.StopPvcVmCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.Equal(("start", "start", "stop"), (await b.StateAsync("web1"), await a.StateAsync("web1"), await a.StateAsync("web2")));
    }

    [Fact]
    public async Task Names_UUIDs_and_objects_all_name_a_VM_and_a_node()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        // a name, a UUID as text, a Guid, a VM object: each binds to -Name
        c.Ps.Run("Stop-PvcVm web1 -Force").ThrowIfErrors();
        c.Ps.Run("Start-PvcVm $args[0]", c.Vms["web1"].ToString()).ThrowIfErrors();
        Assert.Equal("start", await c.StateAsync("web1"));
        c.Ps.Run("Stop-PvcVm ([guid]$args[0]) -Force", c.Vms["web1"].ToString()).ThrowIfErrors();
        Assert.Equal("stop", await c.StateAsync("web1"));
        c.Ps.Run("$v = Get-PvcVm web1; Start-PvcVm -Name $v").ThrowIfErrors();
        Assert.Equal("start", await c.StateAsync("web1"));
        // an object with a Name property (a CSV row) binds by its name
        c.Ps.Run("[pscustomobject]@{ Name = 'web2' } | Restart-PvcVm").ThrowIfErrors();
        Assert.Equal("restart", await c.StateAsync("web2"));
        // a node by object, and a name; something that names neither is refused while binding
        c.Ps.Run("$n = Get-PvcNode hv3; Suspend-PvcNode -Name $n -Confirm:$false").ThrowIfErrors();
        Assert.Equal("flush", await c.ReadAsync("/nodes/hv3/domainstate"));
        var refused = Assert.Single(c.Ps.Run("Resume-PvcNode -Name (Get-Date)").Errors);
        Assert.Equal("ParameterArgumentTransformationError,Pvc.PowerShell.Cmdlets.ResumePvcNodeCommand", refused.FullyQualifiedErrorId);
        // a VM object given as a node is refused, not read as a node's name
        var wrong = Assert.Single(c.Ps.Run("Resume-PvcNode -Name (Get-PvcVm web1)").Errors);
        Assert.Equal("ParameterArgumentTransformationError,Pvc.PowerShell.Cmdlets.ResumePvcNodeCommand", wrong.FullyQualifiedErrorId);
    }

    [Fact]
    public async Task Get_PvcNode_and_Get_PvcFault_match_names_as_Get_PvcVm_does()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        Assert.Equal(["hv1", "hv2"], c.Ps.Run("Get-PvcNode hv[12]").ThrowIfErrors().OutputOf<Node>().Select(n => n.Name));
        Assert.Equal(["hv1", "hv2", "hv3"], c.Ps.Run("Get-PvcNode HV*").ThrowIfErrors().OutputOf<Node>().Select(n => n.Name));
        Assert.Equal(["web1", "web2"], c.Ps.Run("Get-PvcVm WEB*").ThrowIfErrors().OutputOf<Vm>().Select(n => n.Name));
        var missing = Assert.Single(c.Ps.Run("Get-PvcNode hv9, hv1").Errors);
        Assert.Equal(("NodeNotFound,Pvc.PowerShell.Cmdlets.GetPvcNodeCommand", ErrorCategory.ObjectNotFound), (missing.FullyQualifiedErrorId, missing.CategoryInfo.Category));
    }
}
