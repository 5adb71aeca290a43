using System.Management.Automation;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// A background job for a long-running change (<c>-AsJob</c>, as the Azure modules offer): the work runs on a
/// worker thread and writes only to the job's own streams, which Receive-Job reads on the pipeline thread.
/// </summary>
public sealed class PvcJob : Job
{
    private readonly CancellationTokenSource _stop = new();

    internal PvcJob(string command, string name) : base(command, name) => PSJobTypeName = "PvcJob";

    /// <inheritdoc />
    public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Progress.Count > 0;

    /// <inheritdoc />
    public override string Location => Environment.MachineName;

    /// <inheritdoc />
    public override string StatusMessage => JobStateInfo.State.ToString();

    /// <inheritdoc />
    public override void StopJob()
    {
        _stop.Cancel();
        SetJobState(JobState.Stopped);
    }

    /// <summary>Runs the work on a worker thread; an error becomes the job's error record and fails it. The task ends with the job and never faults.</summary>
    internal Task Start(Func<PvcJob, CancellationToken, Task> work, object? target)
    {
        SetJobState(JobState.Running);
        return Task.Run(async () =>
        {
            try
            {
                await work(this, _stop.Token);
                if (!_stop.IsCancellationRequested)
                    SetJobState(Error.Count > 0 ? JobState.Failed : JobState.Completed);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // StopJob has set the state
            }
            catch (Exception e)
            {
                // on a worker thread nothing would see an exception that escaped: every one becomes the job's error
                Error.Add(PvcErrorRecords.From(e, target));
                if (!_stop.IsCancellationRequested)
                    SetJobState(JobState.Failed);
            }
        });
    }

    /// <summary>Disposes the cancellation source.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _stop.Dispose();
        base.Dispose(disposing);
    }
}
