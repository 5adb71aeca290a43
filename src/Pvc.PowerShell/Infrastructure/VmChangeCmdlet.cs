using System.Management.Automation;
using Pvc.Core.Schema;
using Pvc.Core.Vms;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// A VM change a node carries out: <c>-Wait</c> (with progress) until it has, <c>-AsJob</c> to wait in a background
/// job instead, <c>-Timeout</c>, <c>-PassThru</c>.
/// </summary>
public abstract class VmChangeCmdlet : VmCmdlet
{
    /// <summary>Wait until the VM's node has carried out the change, then return the VM.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long -Wait waits (seconds or a TimeSpan). Default 5 minutes.</summary>
    [Parameter]
    [TimeoutTransformation]
    [ValidateTimeout]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Return the VM after the change (implied by -Wait).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>
    /// Wait in a background job (one per VM) instead: the cmdlet returns the job at once, and Receive-Job returns the
    /// VM once its node has carried out the change. The change itself is asked for before the job starts.
    /// </summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    /// <summary>
    /// After the change was asked for: with -Wait or -AsJob waits by <paramref name="wait"/> (Core's wait for this
    /// operation, which reports the VM's states and returns the VM as it then is) and writes the VM, or the job;
    /// otherwise writes the VM when -PassThru asks for it.
    /// </summary>
    protected void Finish(VmRef vm, string activity, Func<Action<VmState>, CancellationToken, Task<Vm>> wait)
    {
        if (!Wait && !AsJob)
        {
            if (PassThru && ReadVm(vm) is { } now)
                WriteResult(now);
            return;
        }
        Run(vm, activity, async (progress, token) => await wait(progress, token), output: true);
    }

    /// <summary>
    /// Runs <paramref name="work"/> (which reports the VM's states and may return the VM) in the foreground, or in a job
    /// with -AsJob, with a progress record per state and a completed one at the end; then writes the VM when
    /// <paramref name="output"/> (a job always returns it), read again only when the work did not return it.
    /// </summary>
    protected void Run(VmRef vm, string activity, Func<Action<VmState>, CancellationToken, Task<Vm?>> work, bool output)
    {
        var connection = Connection;
        var id = Math.Abs(vm.Uuid.GetHashCode());
        var asJob = AsJob;
        var before = connection.RoundTrips;
        RunInForegroundOrJob(asJob, vm.Name, async (progress, token) =>
        {
            var done = false;
            Vm? result;
            try
            {
                // a record a write: the stream keeps the objects it is given
                result = await work(state => progress(new ProgressRecord(id, activity, $"{vm.Name}: {state.ToString().ToLowerInvariant()}")), token);
                done = true;
            }
            finally
            {
                progress(new ProgressRecord(id, activity, done ? $"{vm.Name}: done" : $"{vm.Name}: failed") { RecordType = ProgressRecordType.Completed });
            }
            if (!output && !asJob)
                return null;
            return ClusterOfObject.Attach(result ?? await connection.Vms.GetAsync(vm.Uuid, token), connection);
        }, connection);
        if (!asJob)
            Narrate($"{activity}: {vm.Name} done", before);
    }
}
