using System.Runtime.CompilerServices;
using System.Text;
using Pvc.ZooKeeper;

namespace Pvc.Core.Reading;

/// <summary>
/// Streams a log znode (a node's messages, a VM's console log) as its writer replaces it: the last lines first, then
/// each new line as it is written, on one-shot data watches (no polling), until cancelled.
/// </summary>
internal static class LogFollower
{
    /// <summary>The last <paramref name="tail"/> complete lines, then every new one; ends when the znode goes away.</summary>
    /// <param name="zk">The session.</param>
    /// <param name="path">The log znode.</param>
    /// <param name="tail">Lines of the current log to start with (0: only new ones).</param>
    /// <param name="endsWithNewline">The writer ends every line with a newline (a console log: a last piece without one
    /// is a line still being written, shown once it is ended); false when it joins lines with newlines (PVC's node log).</param>
    /// <param name="cancellationToken">Ends the stream (Ctrl+C).</param>
    public static async IAsyncEnumerable<string> FollowAsync(ZooKeeperClient zk, string path, int tail, bool endsWithNewline,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IReadOnlyList<string>? seen = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            DataResult data;
            try
            {
                // the watch is armed by the read itself: a write after it is never missed
                data = await zk.GetDataAsync(path, _ => changed.TrySetResult(), cancellationToken);
            }
            catch (NoNodeException)
            {
                yield break;
            }
            // an unfinished last line is shown once the writer ends it
            var lines = LogWindow.Lines(Encoding.UTF8.GetString(data.Data), withUnfinished: !endsWithNewline);
            var fresh = seen is null ? lines.Skip(Math.Max(0, lines.Count - tail)) : LogWindow.NewLines(seen, lines);
            seen = lines;
            foreach (var line in fresh)
                yield return line;
            var ended = false;
            try
            {
                await changed.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                ended = true;
            }
            if (ended)
                yield break;
        }
    }
}
