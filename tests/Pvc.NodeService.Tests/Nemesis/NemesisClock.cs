namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>Waiting for a moment of the schedule on the run's clock (the log's).</summary>
internal static class NemesisClock
{
    /// <summary>Waits until <paramref name="at"/> on the run's clock; false when <paramref name="cancellationToken"/> came first.</summary>
    public static async Task<bool> WaitUntilAsync(NemesisLog log, TimeSpan at, CancellationToken cancellationToken)
    {
        var left = at - log.Elapsed;
        if (left > TimeSpan.Zero)
        {
            // a schedule's time, not a condition: nothing to watch
            await Task.Delay(left, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        return !cancellationToken.IsCancellationRequested;
    }
}
