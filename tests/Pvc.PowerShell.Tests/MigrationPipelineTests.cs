using System.Management.Automation;
using Pvc.Core.Connection;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.PowerShell;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.PowerShell.Tests;

/// <summary>
/// <c>Get-PvcVm web1 | Move-PvcVm -Node hv3 -Wait</c>: the plan -Confirm shows is the one committed, the pipeline does not
/// go back and forth (round trips counted on the connection), and a migration its node aborts is an error.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class MigrationPipelineTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task A_piped_migration_with_Wait_takes_at_most_four_round_trips_after_the_listing()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        c.Ps.Run("$c = Connect-PvcCluster $args[0]; $vm = Get-PvcVm web1", c.Chroot).ThrowIfErrors();
        var node = c.AnswerAsync("web1", "migrate", "start"); // the receiving node finishes the migration

        var result = c.Ps.Run("$n = $c.RoundTrips; $moved = $vm | Move-PvcVm -Node hv3 -Wait -Timeout 20; $c.RoundTrips - $n; $moved").ThrowIfErrors();
        await node;

        var roundTrips = (long)result.Output[0].BaseObject;
        var vm = (Vm)result.Output[1].BaseObject;
        Assert.Equal((VmState.Start, "hv3", "hv1"), (vm.State, vm.Node, vm.LastNode));
        Assert.Equal(["prod"], vm.Tags.Select(t => t.Name)); // the VM as it is, read in full
        Assert.InRange(roundTrips, 3, 4); // the plan, the commit (with the state's watch), the VM as it ends (with its tags)
    }

    [Fact]
    public async Task The_commit_is_the_plan_Confirm_showed_and_a_change_in_between_is_a_write_conflict()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        // while the user reads the prompt, the target node starts draining: the plan shown no longer holds
        c.Ps.Host.Recorded.ChoiceAnswers.Enqueue("Yes");
        c.Ps.Host.Recorded.WhilePrompting = _ => c.Raw.SetDataAsync("/nodes/hv3/domainstate", "flush"u8.ToArray()).GetAwaiter().GetResult();

        var result = c.Ps.Run("Move-PvcVm web1 -Node hv3 -Confirm");

        Assert.Contains(c.Ps.Host.Recorded.Prompts, p => p.Contains("from hv1 to hv3", StringComparison.Ordinal));
        var error = Assert.Single(result.Errors);
        Assert.Equal(("PlanChangedMeanwhile,Pvc.PowerShell.Cmdlets.MovePvcVmCommand", ErrorCategory.WriteError), (error.FullyQualifiedErrorId, error.CategoryInfo.Category));
        Assert.Equal(("start", "hv1"), (await c.StateAsync("web1"), await c.NodeOfAsync("web1")));
        Assert.Equal("", await c.ReadAsync($"/domains/{c.Vms["web1"]}/lastnode"));

        // the VM itself changed in between: the same
        c.Ps.Host.Recorded.ChoiceAnswers.Enqueue("Yes");
        c.Ps.Host.Recorded.WhilePrompting = _ => c.Raw.SetDataAsync($"/domains/{c.Vms["web2"]}/node_limit", "hv1,hv2"u8.ToArray()).GetAwaiter().GetResult();
        var second = Assert.Single(c.Ps.Run("Move-PvcVm web2 -Node hv2 -Confirm").Errors);
        Assert.Equal("PlanChangedMeanwhile,Pvc.PowerShell.Cmdlets.MovePvcVmCommand", second.FullyQualifiedErrorId);
        Assert.Equal("hv1", await c.NodeOfAsync("web2"));
    }

    [Fact]
    public async Task A_live_migration_the_node_aborts_ends_Wait_with_an_error()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        var uuid = c.Vms["web1"];
        // play the sending node: the live migration fails and -Live forbids the fallback, so it aborts (PVC's abort_migrate)
        var node = Task.Run(async () =>
        {
            var path = $"/domains/{uuid}/state";
            while (true)
            {
                var changed = new TaskCompletionSource();
                var now = System.Text.Encoding.UTF8.GetString((await c.Raw.GetDataAsync(path, _ => changed.TrySetResult())).Data);
                if (now == "migrate-live")
                    break;
                await changed.Task.WaitAsync(TimeSpan.FromSeconds(20));
            }
            await c.Raw.MultiAsync([Op.SetData(path, "start"u8.ToArray()), Op.SetData($"/domains/{uuid}/node", "hv1"u8.ToArray()),
                Op.SetData($"/domains/{uuid}/lastnode", ""u8.ToArray())]);
        });

        var result = c.Ps.Run("Get-PvcVm web1 | Move-PvcVm -Node hv3 -Live -Wait -Timeout 20");
        await node;

        var error = Assert.Single(result.Errors);
        Assert.Equal(("MigrationAborted,Pvc.PowerShell.Cmdlets.MovePvcVmCommand", ErrorCategory.InvalidOperation, "web1"),
            (error.FullyQualifiedErrorId, error.CategoryInfo.Category, error.TargetObject as string));
        Assert.Contains("hv1", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task Cmdlets_narrate_what_they_read_and_write_with_Verbose()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        var result = c.Ps.Run("Get-PvcVm web1 -Verbose | Move-PvcVm -Node hv3 -Verbose").ThrowIfErrors();
        var lines = result.Verbose.Select(v => v.Message).ToList();
        Assert.Contains(lines, l => l.StartsWith("Listed 1 VM(s) matching 'web1'", StringComparison.Ordinal) && l.Contains("round trip", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Plan: web1: hv1 -> hv3 (migrate)", StringComparison.Ordinal) && l.Contains("[1 round trip(s)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Committed: web1: hv1 -> hv3", StringComparison.Ordinal));
        // without -Verbose, nothing
        Assert.Empty(c.Ps.Run("Get-PvcVm web2").ThrowIfErrors().Verbose);
    }

    [Fact]
    public async Task Remove_Module_closes_the_connections_this_runspace_opened()
    {
        var chroot = await zk.NewChrootAsync();
        await using var raw = await ZooKeeperClient.ConnectAsync(chroot);
        await Pvc.Testing.Pvc.PvcSeed.InitAsync(raw, "lab");
        using var ps = PowerShellSession.Open();
        using var other = PowerShellSession.Open();
        ps.Run("$a = Connect-PvcCluster $args[0]; $b = Connect-PvcCluster $args[0] -NoDefault", chroot).ThrowIfErrors();
        other.Run("$o = Connect-PvcCluster $args[0]", chroot).ThrowIfErrors();

        ps.Run("Remove-Module Pvc").ThrowIfErrors();

        var states = ps.Run("$a.State; $b.State").ThrowIfErrors().OutputOf<ClusterConnectionState>();
        Assert.Equal([ClusterConnectionState.Closed, ClusterConnectionState.Closed], states);
        // another runspace's connection is its own
        Assert.Equal(ClusterConnectionState.Connected, other.Run("$o.State").ThrowIfErrors().OutputOf<ClusterConnectionState>().Single());
        Assert.Equal("lab", other.Run("(Get-PvcCluster).Name").ThrowIfErrors().Output.Single().ToString());
    }

    [Fact]
    public async Task Remove_Module_lets_a_running_AsJob_finish_and_closes_its_connection_after()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        c.Ps.Run("$j = Connect-PvcCluster $args[0] -NoDefault; $job = Restart-PvcVm web1 -Cluster $j -AsJob -Confirm:$false", c.Chroot).ThrowIfErrors();
        Assert.Equal("restart", await c.StateAsync("web1"));

        c.Ps.Run("Remove-Module Pvc").ThrowIfErrors();
        // the node restarts the VM after the module went
        await c.Raw.SetDataAsync($"/domains/{c.Vms["web1"]}/state", "start"u8.ToArray());

        // before: the job's connection was closed under it, and the job never saw "start"
        var state = c.Ps.Run("$null = $job | Wait-Job -Timeout 20; $job.JobStateInfo.State").ThrowIfErrors().OutputOf<System.Management.Automation.JobState>().Single();
        Assert.Equal(System.Management.Automation.JobState.Completed, state);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (c.Ps.Run("$j.State").ThrowIfErrors().OutputOf<ClusterConnectionState>().Single() != ClusterConnectionState.Closed)
        {
            Assert.True(DateTime.UtcNow < deadline, "the job's connection is still open after the job ended");
            await Task.Delay(50);
        }
    }
}
