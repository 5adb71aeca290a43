using System.Globalization;
using System.Text.RegularExpressions;
using Pvc.Core.Schema;

namespace Pvc.PowerShell.Tests;

/// <summary>
/// The rules docs/pvc-command-map.md keeps: one row per PVC command of the list and none for anything else; a cmdlet
/// column that is <c>not yet</c>, <c>n/a</c>, or an exported cmdlet followed by parameters it has; a note on every
/// <c>not yet</c> and <c>n/a</c> row; and a count line that agrees with the rows. It works on text, not files, so the
/// tests put the real page and doctored copies of it through the same check.
/// </summary>
internal static partial class CommandMapCheck
{
    /// <summary>The cmdlet column of a command no cmdlet does yet.</summary>
    public const string NotYet = "not yet";

    /// <summary>The cmdlet column of a command Pvc has no use for.</summary>
    public const string NotApplicable = "n/a";

    /// <summary>The first cell of each table's header row.</summary>
    public const string HeaderCell = "PVC command";

    /// <summary>The commands of a command list (one a line, without "pvc"); blank lines and # comments are skipped.</summary>
    public static IReadOnlyList<string> ReadCommandList(string text) =>
        [.. text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    /// <summary>What is wrong with the map, one message a problem; empty when nothing is.</summary>
    /// <param name="map">The page's Markdown.</param>
    /// <param name="commands">PVC's commands, without the leading "pvc" (<see cref="ReadCommandList"/>).</param>
    /// <param name="cmdlets">Each exported cmdlet's name and the names of its parameters.</param>
    public static IReadOnlyList<string> Problems(string map, IReadOnlyList<string> commands, IReadOnlyDictionary<string, IReadOnlySet<string>> cmdlets)
    {
        var problems = new List<string>();
        var rows = new List<(int Line, string Command, bool Mapped)>();
        var countLines = new List<(int Line, int Mapped, int Total)>();
        var lines = map.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            var at = $"line {i + 1}";
            if (CountLine().Match(line) is { Success: true } count)
            {
                countLines.Add((i + 1, Number(count.Groups[1].Value), Number(count.Groups[2].Value)));
                continue;
            }
            if (!line.StartsWith('|'))
                continue;
            var cells = Cells(line);
            if (cells[0] == HeaderCell || cells.All(c => SeparatorCell().IsMatch(c)))
                continue;
            if (cells.Count != 3)
            {
                problems.Add($"{at}: a row has three cells (PVC command, cmdlet, note); this one has {cells.Count}");
                continue;
            }
            if (!cells[0].StartsWith("pvc ", StringComparison.Ordinal))
            {
                problems.Add($"{at}: '{cells[0]}' is not 'pvc <command>'");
                continue;
            }
            var command = string.Join(' ', cells[0][4..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            at = $"{at} (pvc {command})";
            var (cmdlet, note) = (cells[1], cells[2]);
            if (cmdlet is NotYet or NotApplicable)
            {
                if (note.Length == 0)
                    problems.Add($"{at}: a '{cmdlet}' row needs a note ({(cmdlet == NotYet ? "which issue brings it" : "why Pvc has no use for it")})");
                rows.Add((i + 1, command, false));
                continue;
            }
            // a cell that names no cmdlet at all is not counted as one, so its mistake is reported once, not also as a wrong count
            rows.Add((i + 1, command, CheckCmdlet(cmdlet, cmdlets, at, problems)));
        }

        var known = commands.ToHashSet(StringComparer.Ordinal);
        foreach (var row in rows.Where(r => !known.Contains(r.Command)))
            problems.Add($"line {row.Line}: 'pvc {row.Command}' is not a command of the list");
        var byCommand = rows.ToLookup(r => r.Command, StringComparer.Ordinal);
        foreach (var command in commands)
        {
            var found = byCommand[command].ToList();
            if (found.Count == 0)
                problems.Add($"pvc {command} has no row");
            else if (found.Count > 1)
                problems.Add($"pvc {command} has {found.Count} rows (lines {string.Join(", ", found.Select(r => r.Line))}); it needs one");
        }

        var mapped = rows.Count(r => r.Mapped);
        if (countLines.Count != 1)
            problems.Add(countLines.Count == 0
                ? $"there is no count line; end the page with '{mapped} of {commands.Count} commands have a cmdlet.'"
                : $"there are {countLines.Count} count lines (lines {string.Join(", ", countLines.Select(c => c.Line))}); keep one");
        foreach (var (line, saysMapped, saysTotal) in countLines)
            if (saysMapped != mapped || saysTotal != commands.Count)
                problems.Add($"line {line}: the count line says {saysMapped} of {saysTotal}; the rows say {mapped} of {commands.Count} commands have a cmdlet");
        return problems;
    }

    /// <summary>
    /// A cmdlet cell: the cmdlet's name, then its parameters (<c>-Name</c>, in brackets when optional) and any values
    /// they are given (<c>-CoordinatorState Primary</c>). Names are compared as the module spells them.
    /// </summary>
    /// <returns>True when the cell names a cmdlet (exported or not), i.e. claims the command has one.</returns>
    private static bool CheckCmdlet(string cell, IReadOnlyDictionary<string, IReadOnlySet<string>> cmdlets, string at, List<string> problems)
    {
        var tokens = cell.Replace('[', ' ').Replace(']', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0 || !CmdletName().IsMatch(tokens[0]))
        {
            problems.Add($"{at}: '{cell}' is neither a cmdlet (Verb-Noun, then its parameters) nor '{NotYet}' or '{NotApplicable}'");
            return false;
        }
        if (!cmdlets.TryGetValue(tokens[0], out var parameters))
        {
            problems.Add($"{at}: '{tokens[0]}' is not a cmdlet the module exports");
            return true;
        }
        foreach (var token in tokens.Skip(1).Where(t => t.Length > 1 && t[0] == '-' && char.IsLetter(t[1])))
            if (!parameters.Contains(token[1..]))
                problems.Add($"{at}: {tokens[0]} has no parameter {token}");
        return true;
    }

    /// <summary>The cells of a table row, trimmed; <c>\|</c> is a pipe inside a cell, as in GitHub's Markdown.</summary>
    private static List<string> Cells(string row)
    {
        var inner = row.Trim()[1..];
        if (inner.EndsWith('|') && !inner.EndsWith("\\|", StringComparison.Ordinal))
            inner = inner[..^1];
        return [.. UnescapedPipe().Split(inner).Select(c => c.Replace("\\|", "|", StringComparison.Ordinal).Trim())];
    }

    private static int Number(string digits) => int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(\d+) of (\d+) commands have a cmdlet\.?$")]
    private static partial Regex CountLine();

    [GeneratedRegex(@"^[A-Z][a-z]+-[A-Z][A-Za-z]+$")]
    private static partial Regex CmdletName();

    [GeneratedRegex(@"^:?-+:?$")]
    private static partial Regex SeparatorCell();

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex UnescapedPipe();
}
