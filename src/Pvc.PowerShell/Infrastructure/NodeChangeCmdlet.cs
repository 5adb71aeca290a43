using System.Management.Automation;
using Pvc.Core.Nodes;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// A node change its node service carries out: <c>-Wait</c> (with progress), <c>-AsJob</c> to wait in a background
/// job instead, <c>-Timeout</c>, <c>-PassThru</c>.
/// </summary>
public abstract class NodeChangeCmdlet : NodeCmdlet
{
    /// <summary>Wait until the node service has carried out the change, showing progress.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long -Wait waits (seconds or a TimeSpan). Default 30 minutes.</summary>
    [Parameter]
    [TimeoutTransformation]
    [ValidateTimeout]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Return the node (implied by -Wait).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>
    /// Wait in a background job (one per node) instead: the cmdlet returns the job at once, and Receive-Job returns
    /// the node once its node service has carried out the change. The change itself is asked for before the job starts.
    /// </summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    /// <summary>
    /// After the change was asked for: with -Wait or -AsJob waits by <paramref name="wait"/> (which reports progress
    /// as a status text and a percentage, -1 for none) and writes the node it returns, or the job; otherwise writes
    /// the node <paramref name="current"/> reads when -PassThru asks for it.
    /// </summary>
    protected void Finish(string activity, Func<Node?> current, Func<Action<string, int>, CancellationToken, Task<Node>> wait)
    {
        if (!Wait && !AsJob)
        {
            if (PassThru && current() is { } node)
                WriteResult(node);
            return;
        }
        var name = Name.Name;
        var id = Math.Abs(name.GetHashCode(StringComparison.Ordinal));
        var connection = Connection;
        RunInForegroundOrJob(AsJob, name, async (progress, token) =>
        {
            var done = false;
            try
            {
                var node = await wait((status, percent) => progress(new ProgressRecord(id, activity, status) { PercentComplete = percent }), token);
                done = true;
                return ClusterOfObject.Attach(node, connection);
            }
            finally
            {
                progress(new ProgressRecord(id, activity, done ? "done" : "failed") { RecordType = ProgressRecordType.Completed });
            }
        }, connection);
    }
}
