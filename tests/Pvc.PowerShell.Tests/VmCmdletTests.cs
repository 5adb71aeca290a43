using System.Management.Automation;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.Testing.PowerShell;
using Pvc.Testing.ZooKeeper;

namespace Pvc.PowerShell.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class VmCmdletTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task Get_PvcVm_emits_typed_VMs_with_wildcards_and_PVCs_filters()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        var all = c.Ps.Run("Get-PvcVm").ThrowIfErrors().OutputOf<Vm>();
        Assert.Equal(["broken", "db1", "web1", "web2"], all.Select(v => v.Name));
        Assert.Equal(["web1", "web2"], c.Ps.Run("Get-PvcVm web*").ThrowIfErrors().OutputOf<Vm>().Select(v => v.Name));
        Assert.Equal(["web1"], c.Ps.Run("Get-PvcVm -Tag prod").ThrowIfErrors().OutputOf<Vm>().Select(v => v.Name));
        Assert.Equal(["db1"], c.Ps.Run("Get-PvcVm -Node hv2").ThrowIfErrors().OutputOf<Vm>().Select(v => v.Name));
        Assert.Equal(["broken", "db1"], c.Ps.Run("Get-PvcVm -State Start -Negate").ThrowIfErrors().OutputOf<Vm>().Select(v => v.Name));
        Assert.Equal(["db1"], c.Ps.Run("Get-PvcVm $args[0]", c.Vms["db1"].ToString()).ThrowIfErrors().OutputOf<Vm>().Select(v => v.Name));

        // a missing name is a non-terminating error; the other names are still listed
        var partial = c.Ps.Run("Get-PvcVm nope, db1");
        Assert.Equal(["db1"], partial.OutputOf<Vm>().Select(v => v.Name));
        var error = Assert.Single(partial.Errors);
        Assert.Equal("VmNotFound,Pvc.PowerShell.Cmdlets.GetPvcVmCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
    }

    [Fact]
    public async Task Pipeline_moves_every_VM_of_a_node_and_WhatIf_changes_nothing()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        var whatIf = c.Ps.Run("Get-PvcVm -Node hv1 | Move-PvcVm -Node hv2 -WhatIf").ThrowIfErrors();
        Assert.Contains("from hv1 to hv2", whatIf.HostText, StringComparison.Ordinal);
        Assert.Equal(("start", "hv1"), (await c.StateAsync("web1"), await c.NodeOfAsync("web1")));

        c.Ps.Run("Get-PvcVm -Node hv1 | Move-PvcVm -Node hv2").ThrowIfErrors();
        foreach (var vm in new[] { "web1", "web2" })
        {
            Assert.Equal(("migrate", "hv2"), (await c.StateAsync(vm), await c.NodeOfAsync(vm)));
            Assert.Equal("hv1", await c.ReadAsync($"/domains/{c.Vms[vm]}/lastnode"));
        }
    }

    [Fact]
    public async Task Move_with_Wait_reports_progress_and_returns_the_VM_as_it_now_is()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        var node = c.AnswerAsync("web1", "migrate", "start"); // the receiving node finishes the migration
        var result = c.Ps.Run("Move-PvcVm web1 -Node hv3 -Wait -Timeout 20").ThrowIfErrors();
        await node;
        var vm = Assert.Single(result.OutputOf<Vm>());
        Assert.Equal((VmState.Start, "hv3", "hv1"), (vm.State, vm.Node, vm.LastNode));
        // the states seen while waiting (which ones depends on how fast the node answered), then completion
        Assert.Contains(result.Progress, p => p.RecordType == ProgressRecordType.Processing && p.Activity.Contains("hv3", StringComparison.Ordinal) && p.StatusDescription.StartsWith("web1: ", StringComparison.Ordinal));
        Assert.Contains(result.Progress, p => p.RecordType == ProgressRecordType.Completed);

        var back = c.AnswerAsync("web1", "migrate", "start");
        var returned = c.Ps.Run("Move-PvcVm web1 -Return -Wait").ThrowIfErrors().OutputOf<Vm>().Single();
        await back;
        Assert.Equal(("hv1", (string?)null), (returned.Node, returned.LastNode));
    }

    [Fact]
    public async Task A_wait_that_runs_out_is_a_timeout_error_record()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        var result = c.Ps.Run("Restart-PvcVm web1 -Wait -Timeout 0.5");
        var error = Assert.Single(result.Errors);
        Assert.Equal("WaitTimeout,Pvc.PowerShell.Cmdlets.RestartPvcVmCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
        Assert.Contains("restart", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_bad_VM_in_a_pipeline_is_a_non_terminating_error_and_the_rest_go_on()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        // restart is refused for a stopped VM (db1) but goes on for the running ones
        var result = c.Ps.Run("'web1', 'db1', 'web2' | Restart-PvcVm");
        var error = Assert.Single(result.Errors);
        Assert.Equal("VmNotRunning,Pvc.PowerShell.Cmdlets.RestartPvcVmCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Equal("db1", error.TargetObject);
        Assert.Equal(("restart", "stop", "restart"), (await c.StateAsync("web1"), await c.StateAsync("db1"), await c.StateAsync("web2")));

        // Get-PvcVm -State Fail | Start-PvcVm
        c.Ps.Run("Get-PvcVm -State Fail | Start-PvcVm").ThrowIfErrors();
        Assert.Equal("start", await c.StateAsync("broken"));
    }

    [Fact]
    public async Task New_PvcVm_defines_from_XML_and_refuses_bad_input_with_the_reason()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        var uuid = Guid.NewGuid();
        var xml = Pvc.Testing.Pvc.PvcSeed.Xml(uuid, "app1");
        var path = Path.Combine(Path.GetTempPath(), $"{uuid}.xml");
        await File.WriteAllTextAsync(path, xml);
        var vm = c.Ps.Run("New-PvcVm -Path $args[0] -Node hv3 -Tag app -NodeLimit hv2,hv3", path).ThrowIfErrors().OutputOf<Vm>().Single();
        Assert.Equal((uuid, "app1", "hv3", VmState.Stop), (vm.Uuid, vm.Name, vm.Node, vm.State));
        Assert.Equal(["hv2", "hv3"], vm.NodeLimit);
        File.Delete(path);

        var bad = c.Ps.Run("New-PvcVm -Xml '<domain><name>x</name>'");
        Assert.Equal("InvalidXml,Pvc.PowerShell.Cmdlets.NewPvcVmCommand", Assert.Single(bad.Errors).FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, bad.Errors[0].CategoryInfo.Category);
        var dup = c.Ps.Run("New-PvcVm -Xml $args[0]", xml);
        Assert.Equal("VmExists,Pvc.PowerShell.Cmdlets.NewPvcVmCommand", Assert.Single(dup.Errors).FullyQualifiedErrorId);
        var missing = c.Ps.Run("New-PvcVm -Path /no/such/file.xml");
        Assert.Equal("FileNotFound,Pvc.PowerShell.Cmdlets.NewPvcVmCommand", Assert.Single(missing.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public async Task Remove_confirms_unless_told_not_to_and_nothing_prompts_with_Confirm_false()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        // ConfirmImpact High: an interactive host is asked; "No" keeps the VM
        c.Ps.Host.Recorded.ChoiceAnswers.Enqueue("No");
        c.Ps.Run("Remove-PvcVm db1").ThrowIfErrors();
        Assert.Single(c.Ps.Host.Recorded.Prompts);
        Assert.NotNull(await c.Raw.ExistsAsync($"/domains/{c.Vms["db1"]}"));

        // a runbook: nothing prompts (the host fails any unexpected prompt)
        c.Ps.Run("Remove-PvcVm db1 -Confirm:$false").ThrowIfErrors();
        Assert.Null(await c.Raw.ExistsAsync($"/domains/{c.Vms["db1"]}"));
    }

    [Fact]
    public async Task Metadata_tags_rename_and_console_log()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        var vm = c.Ps.Run("Set-PvcVm web2 -NodeLimit hv1,hv2 -NodeSelector Vcpus -Autostart $true -PassThru").ThrowIfErrors().OutputOf<Vm>().Single();
        Assert.Equal((NodeSelector.Vcpus, true), (vm.NodeSelector, vm.Autostart));
        Assert.Equal("NoChange,Pvc.PowerShell.Cmdlets.SetPvcVmCommand", Assert.Single(c.Ps.Run("Set-PvcVm web2").Errors).FullyQualifiedErrorId);

        c.Ps.Run("Add-PvcVmTag web2 keep -Protected; Add-PvcVmTag web2 temp").ThrowIfErrors();
        var tagError = c.Ps.Run("Remove-PvcVmTag web2 keep, temp");
        Assert.Equal("TagProtected,Pvc.PowerShell.Cmdlets.RemovePvcVmTagCommand", Assert.Single(tagError.Errors).FullyQualifiedErrorId);
        Assert.Equal(["keep"], c.Ps.Run("(Get-PvcVm web2).Tags").OutputOf<VmTag>().Select(t => t.Name));

        Assert.Equal("VmNotStopped,Pvc.PowerShell.Cmdlets.RenamePvcVmCommand", Assert.Single(c.Ps.Run("Rename-PvcVm web2 web3").Errors).FullyQualifiedErrorId);
        var renamed = c.Ps.Run("Rename-PvcVm db1 db2 -PassThru").ThrowIfErrors().OutputOf<Vm>().Single();
        Assert.Equal("db2", renamed.Name);

        await c.Raw.SetDataAsync($"/domains/{c.Vms["web1"]}/consolelog", "boot\nlogin:"u8.ToArray());
        Assert.Equal(["login:"], c.Ps.Run("Get-PvcVmLog web1 -Tail 1").ThrowIfErrors().OutputOf<string>());
    }

    [Fact]
    public async Task The_VM_table_view_reads_like_pvc_vm_list()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        var text = c.Ps.Render("Get-PvcVm").ThrowIfErrors().HostText;
        var header = text.Split('\n').First(l => l.Contains("Name", StringComparison.Ordinal));
        foreach (var column in new[] { "Name", "State", "Node", "Migrated", "vCPUs", "RAM (MiB)", "Tags" })
            Assert.Contains(column, header, StringComparison.Ordinal);
        Assert.Contains(text.Split('\n'), l => l.StartsWith("web1 ", StringComparison.Ordinal) && l.Contains("start", StringComparison.Ordinal) && l.Contains("hv1", StringComparison.Ordinal) && l.Contains("prod", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VM_and_node_names_complete_from_the_connected_cluster()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        var vms = c.Ps.Run("(TabExpansion2 -inputScript 'Start-PvcVm we' -cursorColumn 14).CompletionMatches | ForEach-Object CompletionText").ThrowIfErrors().OutputOf<string>();
        Assert.Equal(["web1", "web2"], vms);
        var nodes = c.Ps.Run("(TabExpansion2 -inputScript 'Move-PvcVm web1 -Node hv' -cursorColumn 24).CompletionMatches | ForEach-Object CompletionText").ThrowIfErrors().OutputOf<string>();
        Assert.Equal(["hv1", "hv2", "hv3"], nodes);
    }

    [Fact]
    public void Every_cmdlet_run_without_a_connection_fails_with_one_clear_error()
    {
        using var ps = PowerShellSession.Open();
        var result = ps.Run("Get-PvcVm");
        var error = Assert.Single(result.Errors);
        Assert.Equal("NotConnected,Pvc.PowerShell.Cmdlets.GetPvcVmCommand", error.FullyQualifiedErrorId);
        Assert.Contains("Connect-PvcCluster", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_AsJob_wait_stops_with_Stop_Job_and_fails_with_WaitTimeout_at_its_timeout()
    {
        // no node service runs here: a start is asked for and never carried out, so the job's wait cannot end by itself
        await using var c = await SeededCluster.StartAsync(zk);
        var running = (Job)c.Ps.Run("Start-PvcVm db1 -AsJob").ThrowIfErrors().Output.Single().BaseObject;
        Assert.Equal("start", await c.StateAsync("db1")); // the change is asked for before the job starts
        Assert.Equal(JobState.Running, running.JobStateInfo.State);
        c.Ps.Run("Stop-Job $args[0]", running).ThrowIfErrors();
        Assert.Equal(JobState.Stopped, running.JobStateInfo.State);
        Assert.Empty(c.Ps.Run("Receive-Job $args[0]", running).ThrowIfErrors().Output);

        var timingOut = (Job)c.Ps.Run("Restart-PvcVm web1 -AsJob -Timeout 1").ThrowIfErrors().Output.Single().BaseObject;
        var received = c.Ps.Run("$args[0] | Wait-Job -Timeout 30 | Receive-Job", timingOut);
        Assert.Equal(JobState.Failed, timingOut.JobStateInfo.State);
        var error = Assert.Single(received.Errors);
        Assert.Equal(("WaitTimeout", ErrorCategory.OperationTimeout, "web1"), (error.FullyQualifiedErrorId, error.CategoryInfo.Category, error.TargetObject as string));
        Assert.Empty(received.Output);
        c.Ps.Run("Get-Job | Remove-Job -Force").ThrowIfErrors();
    }
}
