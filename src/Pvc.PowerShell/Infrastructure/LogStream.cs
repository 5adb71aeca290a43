namespace Pvc.PowerShell.Infrastructure;

/// <summary>The -Follow of the log cmdlets: each line of a stream written from the pipeline thread as it comes, until Ctrl+C.</summary>
internal static class LogStream
{
    /// <summary>Writes every line of <paramref name="lines"/> through <paramref name="cmdlet"/>; Ctrl+C (the token) ends it quietly.</summary>
    public static async Task WriteAsync(PvcCmdlet cmdlet, IAsyncEnumerable<string> lines, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var line in lines.WithCancellation(cancellationToken))
                cmdlet.QueueOutput(line);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: the user's way to end -Follow
        }
    }
}
