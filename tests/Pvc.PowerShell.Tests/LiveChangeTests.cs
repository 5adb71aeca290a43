using System.Management.Automation;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.ZooKeeper;

namespace Pvc.PowerShell.Tests;

/// <summary>
/// The state-changing cmdlets against real node services (one shared <see cref="LiveCluster"/>): -Wait with its
/// progress and results, -AsJob with Wait-Job and Receive-Job, -WhatIf, -Confirm:$false, error records for bad input,
/// and the coordinator hand-over carried out by the node services.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class LiveChangeTests(LiveCluster live) : IClassFixture<LiveCluster>
{
    private Testing.PowerShell.PowerShellSession Ps => live.Ps;

    [Fact]
    public async Task Start_Restart_Stop_and_Disable_wait_for_the_node_service_with_progress()
    {
        var vm = live.NewVm("life1", "hv1");

        // -WhatIf changes nothing
        var whatIf = Ps.Run("Start-PvcVm life1 -WhatIf").ThrowIfErrors();
        Assert.Contains("What if: Performing the operation \"Start VM\" on target \"life1\"", whatIf.HostText, StringComparison.Ordinal);
        Assert.Equal(VmState.Stop, (await live.VmAsync("life1")).State);

        var started = Ps.Run("Start-PvcVm life1 -Wait -Timeout 60").ThrowIfErrors();
        Assert.Equal((VmState.Start, "hv1"), (started.OutputOf<Vm>().Single().State, started.OutputOf<Vm>().Single().Node));
        Assert.Contains(vm.Uuid, (await live.NodeAsync("hv1")).RunningVms);
        AssertProgress(started, "Starting VM", "life1");

        // a restart on the node: the state passes through restart and settles at start
        var restarted = Ps.Run("Get-PvcVm life1 | Restart-PvcVm -Wait -Timeout 60 -Confirm:$false").ThrowIfErrors();
        Assert.Equal(VmState.Start, restarted.OutputOf<Vm>().Single().State);
        AssertProgress(restarted, "Restarting VM", "life1");

        var stopped = Ps.Run("Stop-PvcVm life1 -Wait -Timeout 60").ThrowIfErrors();
        Assert.Equal(VmState.Stop, stopped.OutputOf<Vm>().Single().State);
        Assert.DoesNotContain(vm.Uuid, (await live.NodeAsync("hv1")).RunningVms);
        AssertProgress(stopped, "Shutting down VM", "life1");

        // a restart of a stopped VM is refused before anything is written: a non-terminating error with its id
        var refused = Ps.Run("Restart-PvcVm life1 -Wait -Timeout 60");
        var error = Assert.Single(refused.Errors);
        Assert.Equal(("VmNotRunning,Pvc.PowerShell.Cmdlets.RestartPvcVmCommand", ErrorCategory.InvalidOperation, "life1"),
            (error.FullyQualifiedErrorId, error.CategoryInfo.Category, error.TargetObject as string));
        Assert.Empty(refused.Output);

        // Disable of a running VM: its node shuts it down first, then it is disabled
        Ps.Run("Start-PvcVm life1 -Wait -Timeout 60").ThrowIfErrors();
        var disabled = Ps.Run("Disable-PvcVm life1 -Wait -Timeout 60 -Confirm:$false").ThrowIfErrors();
        Assert.Equal(VmState.Disable, disabled.OutputOf<Vm>().Single().State);
        Assert.Contains(disabled.Progress, p => p.Activity == "Disabling VM" && p.StatusDescription == "life1: shutdown");
        AssertProgress(disabled, "Disabling VM", "life1");
        await new VmOperations(live.Connection).WaitStoppedAsync(new VmRef(vm.Uuid, vm.Name), TimeSpan.FromSeconds(60));

        // one bad name in a pipeline is an error for that name; the other VM is started
        var mixed = Ps.Run("'nope', 'life1' | Start-PvcVm -Wait -Timeout 60");
        var missing = Assert.Single(mixed.Errors);
        Assert.Equal(("VmNotFound,Pvc.PowerShell.Cmdlets.StartPvcVmCommand", ErrorCategory.ObjectNotFound, "nope"),
            (missing.FullyQualifiedErrorId, missing.CategoryInfo.Category, missing.TargetObject as string));
        Assert.Equal(["life1"], mixed.OutputOf<Vm>().Select(v => v.Name));

        // the table view, as PVC's "pvc vm list" reads
        var table = Ps.Render("Get-PvcVm life1").ThrowIfErrors().HostText.Split('\n');
        Assert.Contains(table, l => l.StartsWith("life1 ", StringComparison.Ordinal) && l.Contains(" start ", StringComparison.Ordinal) && l.Contains(" hv1 ", StringComparison.Ordinal));
        Ps.Run("Stop-PvcVm life1 -Force -Wait -Timeout 60").ThrowIfErrors();
    }

    [Fact]
    public async Task AsJob_waits_in_a_job_that_Wait_Job_and_Receive_Job_read()
    {
        live.NewVm("job1", "hv2");
        // a disk bus the test driver's domain parser refuses: its node sets the VM to fail
        Ps.Run("Set-PvcCluster -AllowDomainXmlPath /srv/pvc-test").ThrowIfErrors();
        live.NewVm("jobbad", "hv2", xml => xml.Replace("<devices>", "<devices><disk type='file' device='disk'><source file='/srv/pvc-test/x'/><target dev='vda' bus='nonsense'/></disk>", StringComparison.Ordinal));

        // the command returns the job at once; the job returns the VM once it runs
        var job = AsJob(Ps.Run("$job = Start-PvcVm job1 -AsJob; $job").ThrowIfErrors());
        Assert.Equal("Start-PvcVm job1 -AsJob", job.Command); // the command as typed, not the line around it
        // shown as PowerShell shows every job (PvcJob derives from Job and takes the engine's job table view)
        var rendered = Ps.Render("$args[0]", job).ThrowIfErrors().HostText.Split('\n');
        Assert.Contains(rendered, l => l.Contains("PSJobTypeName", StringComparison.Ordinal) && l.Contains("State", StringComparison.Ordinal));
        Assert.Contains(rendered, l => l.Contains("Start-PvcVm job1", StringComparison.Ordinal) && l.Contains("PvcJob", StringComparison.Ordinal));
        var received = Ps.Run("$args[0] | Wait-Job -Timeout 60 | Receive-Job", job).ThrowIfErrors();
        Assert.Equal((VmState.Start, "hv2"), (received.OutputOf<Vm>().Single().State, received.OutputOf<Vm>().Single().Node));
        Assert.Equal(JobState.Completed, job.JobStateInfo.State);
        // its progress went to the job's stream, ending with a completed record, and Receive-Job passed it on
        Assert.Contains(received.Progress, p => p.Activity == "Starting VM" && p.RecordType == ProgressRecordType.Completed && p.StatusDescription == "job1: done");

        // a VM its node fails: the job fails, with the node's reason as its error record
        var failing = AsJob(Ps.Run("Start-PvcVm jobbad -AsJob").ThrowIfErrors());
        var failed = Ps.Run("$args[0] | Wait-Job -Timeout 60 | Receive-Job", failing);
        Assert.Equal(JobState.Failed, failing.JobStateInfo.State);
        var error = Assert.Single(failed.Errors);
        Assert.Equal(("VmFailed", ErrorCategory.InvalidOperation, "jobbad"), (error.FullyQualifiedErrorId, error.CategoryInfo.Category, error.TargetObject as string));
        Assert.Equal(VmState.Fail, (await live.VmAsync("jobbad")).State);

        // bad input is refused by the command itself: an error, and no job
        var refused = Ps.Run("Restart-PvcVm jobbad -AsJob");
        Assert.Equal("VmNotRunning,Pvc.PowerShell.Cmdlets.RestartPvcVmCommand", Assert.Single(refused.Errors).FullyQualifiedErrorId);
        Assert.Empty(refused.Output);

        // restart, stop and disable in jobs, piped: one job a VM
        Assert.Equal(VmState.Start, ReceiveVm("Get-PvcVm job1 | Restart-PvcVm -AsJob -Confirm:$false").State);
        Assert.Equal(VmState.Stop, ReceiveVm("Stop-PvcVm job1 -AsJob").State);
        Ps.Run("Start-PvcVm job1 -Wait -Timeout 60").ThrowIfErrors();
        Assert.Equal(VmState.Disable, ReceiveVm("Disable-PvcVm job1 -AsJob -Confirm:$false").State);

        // a node drained and made ready again in jobs
        var flushed = Ps.Run("Suspend-PvcNode hv3 -AsJob -Confirm:$false | Wait-Job -Timeout 60 | Receive-Job").ThrowIfErrors().OutputOf<Node>().Single();
        Assert.Equal(NodeDomainState.Flushed, flushed.DomainState);
        var readyJob = AsJob(Ps.Run("Resume-PvcNode hv3 -AsJob").ThrowIfErrors());
        var readyResult = Ps.Run("$args[0] | Wait-Job -Timeout 60 | Receive-Job", readyJob).ThrowIfErrors();
        Assert.Equal(NodeDomainState.Ready, readyResult.OutputOf<Node>().Single().DomainState);
        Assert.Contains(readyResult.Progress, p => p.Activity == "Readying node hv3" && p.RecordType == ProgressRecordType.Completed);
        Assert.All(Ps.Run("Get-Job").Output.Select(o => (Job)o.BaseObject), j => Assert.Equal("PvcJob", j.PSJobTypeName));
        Ps.Run("Get-Job | Remove-Job -Force").ThrowIfErrors();
    }

    [Fact]
    public async Task Resume_PvcNode_Wait_brings_the_VMs_back_with_progress()
    {
        var vm = live.NewVm("back1", "hv1");
        Ps.Run("Start-PvcVm back1 -Wait -Timeout 60").ThrowIfErrors();
        Ps.Run("Suspend-PvcNode hv1 -Wait -Timeout 60 -Confirm:$false").ThrowIfErrors();
        Assert.NotEqual("hv1", (await live.VmAsync("back1")).Node);

        var resumed = Ps.Run("Get-PvcNode hv1 | Resume-PvcNode -Wait -Timeout 60").ThrowIfErrors();
        Assert.Equal(NodeDomainState.Ready, resumed.OutputOf<Node>().Single().DomainState);
        Assert.Contains(resumed.Progress, p => p.Activity == "Readying node hv1" && p.RecordType == ProgressRecordType.Processing);
        Assert.Contains(resumed.Progress, p => p.Activity == "Readying node hv1" && p.RecordType == ProgressRecordType.Completed && p.StatusDescription == "done");
        // the VM came back to the node it was migrated from, and runs there
        var back = await live.VmAsync("back1");
        Assert.Equal(("hv1", (string?)null, VmState.Start), (back.Node, back.LastNode, back.State));
        // (the node's keepalive lists it running a moment after)
        await new VmOperations(live.Connection).WaitRunningAsync(new VmRef(vm.Uuid, vm.Name), TimeSpan.FromSeconds(60));
        Ps.Run("Stop-PvcVm back1 -Force -Wait -Timeout 60").ThrowIfErrors();
    }

    [Fact]
    public async Task Set_PvcNode_hands_the_coordinator_role_over_through_the_node_services()
    {
        var old = await PrimaryAsync();
        var next = LiveCluster.Names.First(n => n != old);

        Ps.Run("Set-PvcNode $args[0] -CoordinatorState Primary -WhatIf", next).ThrowIfErrors();
        Assert.Equal(old, await PrimaryAsync());

        // -Wait returns once the node services have carried it out: the new primary took over, the old one relinquished
        var result = Ps.Run("Set-PvcNode $args[0] -CoordinatorState Primary -Wait -Timeout 60", next).ThrowIfErrors();
        Assert.Equal(CoordinatorState.Primary, result.OutputOf<Node>().Single().CoordinatorState);
        Assert.Contains(result.Progress, p => p.StatusDescription == $"{next}: primary");
        Assert.Contains(result.Progress, p => p.Activity == $"Making {next} primary" && p.RecordType == ProgressRecordType.Completed && p.StatusDescription == "done");
        Assert.Equal(CoordinatorState.Secondary, (await live.NodeAsync(old)).CoordinatorState);
        Assert.Equal(next, System.Text.Encoding.UTF8.GetString((await live.Connection.ZooKeeper.GetDataAsync(BaseKeys.PrimaryNode)).Data));

        // stepping down in a job: another coordinator is elected and takes over
        var job = AsJob(Ps.Run("Get-PvcNode $args[0] | Set-PvcNode -CoordinatorState Secondary -AsJob -Confirm:$false", next).ThrowIfErrors());
        var stepped = Ps.Run("$args[0] | Wait-Job -Timeout 60 | Receive-Job", job).ThrowIfErrors().OutputOf<Node>().Single();
        Assert.Equal((next, CoordinatorState.Secondary), (stepped.Name, stepped.CoordinatorState));
        var elected = await PrimaryAsync();
        Assert.NotEqual(next, elected);
        Assert.Equal(CoordinatorState.Primary, (await live.NodeAsync(elected)).CoordinatorState);
        Assert.Single(Ps.Run("Get-PvcNode").ThrowIfErrors().OutputOf<Node>(), n => n.CoordinatorState == CoordinatorState.Primary);

        // bad input: a node that is not primary cannot step down; one that does not exist is not found
        var notPrimary = Ps.Run("Set-PvcNode $args[0] -CoordinatorState Secondary -Confirm:$false", LiveCluster.Names.First(n => n != elected && n != next));
        Assert.Empty(notPrimary.Errors); // a secondary already: nothing to do
        var missing = Assert.Single(Ps.Run("Set-PvcNode hv9 -CoordinatorState Primary -Wait").Errors);
        Assert.Equal(("NodeNotFound,Pvc.PowerShell.Cmdlets.SetPvcNodeCommand", ErrorCategory.ObjectNotFound), (missing.FullyQualifiedErrorId, missing.CategoryInfo.Category));
        Ps.Run("Get-Job | Remove-Job -Force").ThrowIfErrors();
    }

    /// <summary>The elected primary, once its node service has taken over.</summary>
    private async Task<string> PrimaryAsync()
    {
        var nodes = new NodeOperations(live.Connection);
        var name = System.Text.Encoding.UTF8.GetString((await live.Connection.ZooKeeper.GetDataAsync(BaseKeys.PrimaryNode)).Data);
        if (!LiveCluster.Names.Contains(name))
        {
            // right after the cluster started, the election may not have happened yet
            name = await Pvc.Core.Reading.ZnodeWaiter.WaitAsync(live.Connection, BaseKeys.PrimaryNode, t => new Named(t), n => LiveCluster.Names.Contains(n.Text),
                TimeSpan.FromSeconds(60), null, () => new InvalidOperationException("no /config/primary_node"), _ => new TimeoutException($"no primary elected\n{live.Logs()}"), default)
                .ContinueWith(t => t.Result.Text, TaskScheduler.Default);
        }
        return (await nodes.WaitCoordinatorAsync(name, primary: true, TimeSpan.FromSeconds(60))).Name;
    }

    private readonly record struct Named(string Text);

    private static Job AsJob(Testing.PowerShell.PowerShellResult result)
    {
        var job = Assert.IsAssignableFrom<Job>(result.Output.Single().BaseObject);
        Assert.Equal("PvcJob", job.PSJobTypeName);
        return job;
    }

    private Vm ReceiveVm(string command)
    {
        var job = AsJob(Ps.Run(command).ThrowIfErrors());
        var vm = Ps.Run("$args[0] | Wait-Job -Timeout 60 | Receive-Job", job).ThrowIfErrors().OutputOf<Vm>().Single();
        Assert.Equal(JobState.Completed, job.JobStateInfo.State);
        return vm;
    }

    /// <summary>-Wait reported the VM's states and ended its progress with a completed record.</summary>
    private static void AssertProgress(Testing.PowerShell.PowerShellResult result, string activity, string vm)
    {
        Assert.Contains(result.Progress, p => p.Activity == activity && p.RecordType == ProgressRecordType.Processing && p.StatusDescription.StartsWith($"{vm}: ", StringComparison.Ordinal));
        // (the session sees each record twice: in the stream and at the host)
        var completed = result.Progress.Where(p => p.Activity == activity && p.RecordType == ProgressRecordType.Completed).ToList();
        Assert.NotEmpty(completed);
        Assert.All(completed, p => Assert.Equal($"{vm}: done", p.StatusDescription));
    }
}
