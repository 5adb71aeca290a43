using System.Collections.Concurrent;
using System.Management.Automation;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// The base of every Pvc cmdlet: the one bridge from
/// Core's async operations to the pipeline thread. Core callbacks (progress, warnings) arrive on
/// worker threads; they are queued and written from the pipeline thread while the operation runs,
/// since PowerShell allows writes only there.
/// </summary>
public abstract class PvcCmdlet : PSCmdlet, IDisposable
{
    private readonly BlockingCollection<Action> _pipelineActions = [];

    /// <summary>Runs an async Core operation to its end, writing queued pipeline actions meanwhile.</summary>
    protected T Await<T>(Func<CancellationToken, Task<T>> operation)
    {
        // PipelineStopToken is cancelled when the user stops the pipeline (Ctrl+C)
        var task = operation(PipelineStopToken);
        using (var done = new CancellationTokenSource())
        {
            task.ContinueWith(static (_, d) => ((CancellationTokenSource)d!).Cancel(), done, TaskScheduler.Default);
            try
            {
                foreach (var action in _pipelineActions.GetConsumingEnumerable(done.Token))
                    action();
            }
            catch (OperationCanceledException) when (done.IsCancellationRequested)
            {
                // the operation finished
            }
        }
        while (_pipelineActions.TryTake(out var late))
            late();
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Runs an async Core operation without a result.</summary>
    protected void Await(Func<CancellationToken, Task> operation) =>
        Await(async token =>
        {
            await operation(token);
            return true;
        });

    /// <summary>
    /// Runs an operation for one input object; a Core or ZooKeeper error becomes a non-terminating ErrorRecord
    /// (the pipeline goes on with the next object) and the result is false.
    /// </summary>
    protected bool TryAwait(Func<CancellationToken, Task> operation, object? target)
    {
        try
        {
            Await(operation);
            return true;
        }
        catch (Exception e) when (PvcErrorRecords.IsReportable(e))
        {
            WriteError(PvcErrorRecords.From(e, target));
            return false;
        }
    }

    /// <summary>As <see cref="TryAwait(Func{CancellationToken, Task}, object?)"/>, with a result (default on error).</summary>
    protected T? TryAwait<T>(Func<CancellationToken, Task<T>> operation, object? target)
    {
        try
        {
            return Await(operation);
        }
        catch (Exception e) when (PvcErrorRecords.IsReportable(e))
        {
            WriteError(PvcErrorRecords.From(e, target));
            return default;
        }
    }

    /// <summary>Runs an operation whose failure ends the command (a terminating error).</summary>
    protected T AwaitOrThrow<T>(Func<CancellationToken, Task<T>> operation, object? target)
    {
        try
        {
            return Await(operation);
        }
        catch (Exception e) when (PvcErrorRecords.IsReportable(e))
        {
            ThrowTerminatingError(PvcErrorRecords.From(e, target));
            throw; // unreachable: ThrowTerminatingError throws
        }
    }

    /// <summary>
    /// Runs the long part of a change (the wait for a node service) in the foreground, or with <paramref name="asJob"/>
    /// as a <see cref="PvcJob"/>, and writes its result (or the job). <paramref name="work"/> reports progress only
    /// through the callback it is given: in the foreground that queues records for the pipeline thread, in a job it
    /// adds them to the job's stream. So whichever way it runs, nothing is written from a worker thread to the pipeline.
    /// Errors are non-terminating in the foreground and the job's error records (a failed job) in the background.
    /// </summary>
    /// <param name="asJob">Run as a job (the value of the cmdlet's <c>-AsJob</c>).</param>
    /// <param name="target">The target object of error records.</param>
    /// <param name="work">The work; its result (when not null) is the output.</param>
    /// <param name="uses">The connection the work uses: Remove-Module closes it only after the job has ended.</param>
    protected void RunInForegroundOrJob<T>(bool asJob, object? target, Func<Action<ProgressRecord>, CancellationToken, Task<T?>> work, Pvc.Core.Connection.ClusterConnection? uses = null)
        where T : class
    {
        if (!asJob)
        {
            if (TryAwait(token => work(QueueProgress, token), target) is { } result)
                WriteObject(result);
            return;
        }
        // the job's Command (Get-Job's column) is this command as typed, not the whole line around it
        var job = new PvcJob(MyInvocation.Statement is { Length: > 0 } typed ? typed : MyInvocation.MyCommand.Name, $"{MyInvocation.MyCommand.Name} {target}");
        JobRepository.Add(job);
        var running = job.Start(async (j, token) =>
        {
            if (await work(j.Progress.Add, token) is { } output)
                j.Output.Add(PSObject.AsPSObject(output));
        }, target);
        if (uses is not null)
            RunspaceConnections.UsedBy(uses, running);
        WriteObject(job);
    }

    /// <summary>Writes a progress record from any thread (queued for the pipeline thread).</summary>
    protected void QueueProgress(ProgressRecord record) => OnPipelineThread(() => WriteProgress(record));

    /// <summary>Writes an output object from any thread (queued for the pipeline thread, while <see cref="Await{T}"/> runs).</summary>
    internal void QueueOutput(object output) => OnPipelineThread(() => WriteObject(output));

    /// <summary>Queues an action for the pipeline thread (from any thread, while <see cref="Await{T}"/> runs).</summary>
    protected void OnPipelineThread(Action action) => _pipelineActions.Add(action);

    /// <summary>Disposes the action queue.</summary>
    public void Dispose()
    {
        _pipelineActions.Dispose();
        GC.SuppressFinalize(this);
    }
}
