namespace Pvc.Core.Reading;

/// <summary>
/// A log kept as PVC keeps its node and console logs: the last N lines of a text that a writer replaces whole each
/// time (old lines drop off the front, new ones come at the end). Tells which lines of a new window are new.
/// </summary>
public static class LogWindow
{
    /// <summary>
    /// The complete lines of a log text: split on '\n' (a '\r' before it dropped), without the empty piece after a final
    /// newline and without an unfinished last line (one the writer has not ended yet) unless <paramref name="withUnfinished"/>.
    /// </summary>
    public static IReadOnlyList<string> Lines(string? text, bool withUnfinished = true)
    {
        if (string.IsNullOrEmpty(text))
            return [];
        var pieces = text.Split('\n');
        var complete = pieces.Length - 1; // the last piece follows the last newline: "" or an unfinished line
        var count = withUnfinished && pieces[^1].Length > 0 ? pieces.Length : complete;
        var lines = new string[count];
        for (var i = 0; i < count; i++)
            lines[i] = pieces[i].EndsWith('\r') ? pieces[i][..^1] : pieces[i];
        return lines;
    }

    /// <summary>
    /// The lines of <paramref name="current"/> that follow what <paramref name="previous"/> showed: the longest end of
    /// the previous window that the current one starts with is taken as already seen. When they share nothing (the log
    /// was cleared, or more lines came than a window holds) the whole current window is new.
    /// </summary>
    public static IReadOnlyList<string> NewLines(IReadOnlyList<string> previous, IReadOnlyList<string> current)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(current);
        for (var start = 0; start < previous.Count; start++)
        {
            var overlap = previous.Count - start;
            if (overlap > current.Count)
                continue;
            var same = true;
            for (var i = 0; i < overlap && same; i++)
                same = string.Equals(previous[start + i], current[i], StringComparison.Ordinal);
            if (same)
                return [.. current.Skip(overlap)];
        }
        return current;
    }

    /// <summary>
    /// Appends <paramref name="added"/> to the window <paramref name="text"/> and keeps its last <paramref name="maxLines"/>
    /// lines, newline-joined (PVC's node log: no newline after the last line), and at most <paramref name="maxChars"/>
    /// characters (whole lines dropped from the front), so that the znode stays well inside ZooKeeper's 1 MiB.
    /// </summary>
    public static string Append(string? text, IReadOnlyList<string> added, int maxLines, int maxChars = DefaultMaxChars)
    {
        ArgumentNullException.ThrowIfNull(added);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLines, 1);
        IEnumerable<string> lines = string.IsNullOrEmpty(text) ? added : text.Split('\n').Concat(added);
        var all = lines.ToList();
        var start = Math.Max(0, all.Count - maxLines);
        var length = all.Skip(start).Sum(l => l.Length + 1);
        while (length > maxChars && start < all.Count - 1)
            length -= all[start++].Length + 1;
        return string.Join('\n', all.Skip(start));
    }

    /// <summary>The size a log window is kept under by default: 512 Ki characters (ZooKeeper refuses a znode over 1 MiB).</summary>
    public const int DefaultMaxChars = 512 * 1024;
}
