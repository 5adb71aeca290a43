using System.Management.Automation;
using System.Text;
using System.Text.Json.Nodes;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Tasks;
using Pvc.Core.Vms;
using Pvc.Testing.PowerShell;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.PowerShell.Tests;

/// <summary>
/// Get-PvcTask and the task-cmdlet base class in a hosted engine against a real ZooKeeper; the node service's runner is
/// played through Core's own runner operations (claim, progress, result), as the other cmdlet tests play a node service.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class TaskCmdletTests(ZooKeeperFixture zk)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static async Task<(SeededCluster Cluster, ClusterConnection Core)> StartAsync(ZooKeeperFixture zk)
    {
        var c = await SeededCluster.StartAsync(zk);
        await c.Raw.SetDataAsync("/config/primary_node", "hv1"u8.ToArray());
        return (c, await ClusterConnection.ConnectAsync(new() { Servers = [c.Chroot] }));
    }

    /// <summary>Plays hv1's runner for one task once it is queued: claims it, reports three steps, then succeeds or fails.</summary>
    private static async Task RunAsync(ClusterConnection core, Func<ClusterTaskHostOperations, ClusterTask, Task> finish)
    {
        var ops = new ClusterTaskHostOperations(core, "hv1");
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var queued = await ops.QueuedAsync(() => changed.TrySetResult(), deadline.Token);
            if (queued.Count > 0)
            {
                var task = (await ops.ClaimAsync((await ops.ReadQueuedAsync(queued[0], deadline.Token))!, false, deadline.Token))!;
                for (var i = 1; i <= 3; i++)
                    task = await ops.ReportAsync(task, new ClusterTaskProgress(i, 3, $"step {i}"), deadline.Token);
                await finish(ops, task);
                return;
            }
            await changed.Task.WaitAsync(deadline.Token);
        }
    }

    [Fact]
    public async Task Get_PvcTask_lists_filters_and_shows_tasks_and_names_what_it_cannot_find()
    {
        var (c, core) = await StartAsync(zk);
        await using var _ = c;
        await using var __ = core;
        var a = await core.Tasks.SubmitAsync(ClusterTaskKinds.VolumeAdd, new JsonObject { ["pool"] = "vms" });
        var b = await core.Tasks.SubmitAsync(ClusterTaskKinds.OsdAdd, [], runOn: "hv2");
        var ops = new ClusterTaskHostOperations(core, "hv2");
        await ops.ClaimAsync((await ops.ReadQueuedAsync(b.Id, default))!, false, default);

        Assert.Equal(new[] { a.Id, b.Id }.Order(), c.Ps.Run("Get-PvcTask").ThrowIfErrors().OutputOf<ClusterTask>().Select(t => t.Id).Order());
        Assert.Equal([b.Id], c.Ps.Run("Get-PvcTask -State Running").ThrowIfErrors().OutputOf<ClusterTask>().Select(t => t.Id));
        Assert.Equal([a.Id], c.Ps.Run("Get-PvcTask $args[0]", a.Id[..4] + "*").ThrowIfErrors().OutputOf<ClusterTask>().Select(t => t.Id));
        var missing = Assert.Single(c.Ps.Run("Get-PvcTask 0badf00d").Errors);
        Assert.Equal(("TaskNotFound,Pvc.PowerShell.Cmdlets.GetPvcTaskCommand", ErrorCategory.ObjectNotFound), (missing.FullyQualifiedErrorId, missing.CategoryInfo.Category));
        var bad = Assert.Single(c.Ps.Run("Get-PvcTask '../x' -Wait").Errors);
        Assert.Equal(("InvalidTaskId,Pvc.PowerShell.Cmdlets.GetPvcTaskCommand", ErrorCategory.InvalidArgument), (bad.FullyQualifiedErrorId, bad.CategoryInfo.Category));

        var text = c.Ps.Render("Get-PvcTask").ThrowIfErrors().HostText.Split('\n');
        var header = text.First(l => l.Contains("Kind", StringComparison.Ordinal));
        foreach (var column in new[] { "Id", "Kind", "State", "RunOn", "Progress", "Created", "Status" })
            Assert.Contains(column, header, StringComparison.Ordinal);
        Assert.Contains(text, l => l.StartsWith(b.Id, StringComparison.Ordinal) && l.Contains("osd.add", StringComparison.Ordinal) && l.Contains("running", StringComparison.Ordinal) && l.Contains("hv2", StringComparison.Ordinal));
        // completion offers the live ids
        var completion = c.Ps.Run("TabExpansion2 -inputScript 'Get-PvcTask ' -cursorColumn 12").ThrowIfErrors().Output.Single().BaseObject as CommandCompletion;
        Assert.Equal(new[] { a.Id, b.Id }.Order(), completion!.CompletionMatches.Select(m => m.CompletionText).Order());
    }

    [Fact]
    public async Task Get_PvcTask_Wait_shows_progress_and_a_failed_task_is_an_error_record_with_its_own_error_id()
    {
        var (c, core) = await StartAsync(zk);
        await using var _ = c;
        await using var __ = core;
        var ok = await core.Tasks.SubmitAsync(ClusterTaskKinds.VolumeAdd, []);
        var runner = RunAsync(core, (ops, t) => ops.SucceedAsync(t, new JsonObject { ["volume"] = "vms/disk0" }, default));
        var done = c.Ps.Run("Get-PvcTask $args[0] -Wait -Timeout 30", ok.Id).ThrowIfErrors();
        await runner;
        Assert.Equal(ClusterTaskState.Success, done.OutputOf<ClusterTask>().Single().State);
        Assert.Contains(done.Progress, p => p.StatusDescription == "step 3" && p.PercentComplete == 100);

        var bad = await core.Tasks.SubmitAsync(ClusterTaskKinds.PoolAdd, []);
        runner = RunAsync(core, (ops, t) => ops.FailAsync(t, PvcErrorKind.ResourceUnavailable, PvcErrorIds.CephNoSpace, "The pool is full.", default));
        var failed = c.Ps.Run("Get-PvcTask $args[0] -Wait -Timeout 30", bad.Id);
        await runner;
        var error = Assert.Single(failed.Errors);
        Assert.Equal(("CephNoSpace,Pvc.PowerShell.Cmdlets.GetPvcTaskCommand", ErrorCategory.ResourceUnavailable, bad.Id),
            (error.FullyQualifiedErrorId, error.CategoryInfo.Category, error.TargetObject as string));
        Assert.Contains("The pool is full.", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_renamed_VM_that_cannot_be_read_back_is_an_error_record_with_Cores_id_that_says_the_rename_succeeded()
    {
        var (c, core) = await StartAsync(zk);
        await using var _ = c;
        await using var __ = core;
        // db1 (stopped) has the RBD disk vms/db1_sda: with its keys, its rename is a vm.rename task
        await PvcSeed.Batch(c.Raw).AddPool("vms", "8", "default").AddVolume("vms", "db1_sda").CommitAsync();
        // hv1's runner: the VM is removed between the rename and the read-back of -PassThru
        var runner = RunAsync(core, async (ops, t) =>
        {
            await core.Vms.UndefineAsync(new VmRef(c.Vms["db1"], "db1"));
            await ops.SucceedAsync(t, new JsonObject { ["vm"] = "db9" }, default);
        });
        var result = c.Ps.Run("Rename-PvcVm db1 db9 -PassThru -Timeout 30");
        await runner;

        Assert.Empty(result.Output);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("VmNotFound,Pvc.PowerShell.Cmdlets.RenamePvcVmCommand", ErrorCategory.ObjectNotFound),
            (error.FullyQualifiedErrorId, error.CategoryInfo.Category));
        Assert.Contains("(vm.rename) succeeded, but reading back what it made or changed failed: No VM has the UUID", error.Exception.Message, StringComparison.Ordinal);
    }

    /// <summary>A cmdlet of the task kind, compiled in the session against the module's own assembly (as other helpers' cmdlets derive from it).</summary>
    private const string TaskCmdletSource = """
        #nullable enable
        using System.Management.Automation;
        using System.Text.Json.Nodes;
        using System.Threading.Tasks;
        using Pvc.Core.Tasks;
        [Cmdlet(VerbsLifecycle.Invoke, "PvcTestTask")]
        public sealed class InvokePvcTestTaskCommand : Pvc.PowerShell.Infrastructure.TaskCmdlet
        {
            [Parameter(Position = 0)] public string Kind { get; set; } = "volume.add";
            protected override void ProcessRecord() =>
                RunTask("Testing", Kind, token => Connection.Tasks.SubmitAsync(Kind, new JsonObject(), null, token),
                    (t, _) => Task.FromResult<object?>(t.Result?["volume"]?.GetValue<string>()));
        }
        """;

    [Fact]
    public async Task A_task_cmdlet_waits_with_progress_by_default_returns_the_task_with_NoWait_and_a_job_with_AsJob()
    {
        var (c, core) = await StartAsync(zk);
        await using var _ = c;
        await using var __ = core;
        c.Ps.Run("""
            $module = [Pvc.PowerShell.Infrastructure.TaskCmdlet].Assembly
            $core = [Pvc.Core.Tasks.ClusterTask].Assembly
            $refs = @($module.Location, $core.Location, [psobject].Assembly.Location, [System.Text.Json.Nodes.JsonObject].Assembly.Location, 'System.Runtime', 'System.Collections', 'System.Linq', 'System.Threading', 'System.ComponentModel.Primitives', 'netstandard')
            $type = Add-Type -TypeDefinition $args[0] -ReferencedAssemblies $refs -PassThru
            Import-Module -Assembly $type[0].Assembly
            """, TaskCmdletSource).ThrowIfErrors();

        var runner = RunAsync(core, (ops, t) => ops.SucceedAsync(t, new JsonObject { ["volume"] = "vms/disk0" }, default));
        var waited = c.Ps.Run("Invoke-PvcTestTask").ThrowIfErrors();
        await runner;
        Assert.Equal("vms/disk0", waited.Output.Single().BaseObject);
        // a wait reads the record on each change, so steps written in quick succession may be seen only as the last
        Assert.Contains(waited.Progress, p => p.Activity.StartsWith("Testing (task ", StringComparison.Ordinal) && p.StatusDescription == "step 3" && p.PercentComplete == 100);
        Assert.Contains(waited.Progress, p => p.RecordType == ProgressRecordType.Completed);

        var queued = c.Ps.Run("Invoke-PvcTestTask pool.add -NoWait").ThrowIfErrors().OutputOf<ClusterTask>().Single();
        Assert.Equal((ClusterTaskState.Pending, "hv1", ClusterTaskKinds.PoolAdd), (queued.State, queued.RunOn, queued.Kind));
        runner = RunAsync(core, (ops, t) => ops.FailAsync(t, PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidPlacementGroups, "64 is not a power of two.", default));
        await runner;

        var job = c.Ps.Run("Invoke-PvcTestTask -AsJob").ThrowIfErrors().Output.Single().BaseObject as Job;
        runner = RunAsync(core, (ops, t) => ops.FailAsync(t, PvcErrorKind.ResourceUnavailable, PvcErrorIds.CephNoSpace, "The pool is full.", default));
        await runner;
        var received = c.Ps.Run("$args[0] | Wait-Job -Timeout 30 | Receive-Job", job!);
        Assert.Equal(JobState.Failed, job!.JobStateInfo.State);
        Assert.Equal("CephNoSpace", Assert.Single(received.Errors).FullyQualifiedErrorId);
    }
}
