using System.Text.RegularExpressions;
using Pvc.Testing;

namespace Pvc.PowerShell.Tests.BadInput;

/// <summary>
/// docs/bad-input.md cannot rot: its rows are numbered 1..N (at least 40), each names a test (Class.Method) that exists
/// in tests/ as a [Fact] or [Theory], and every ErrorId, category or key it quotes (in backticks) in "what happens" is
/// in that test's source, so the table says what the test asserts. Doctored copies show each mistake is caught.
/// </summary>
public sealed partial class BadInputTableTests
{
    private static readonly string TablePath = Path.Combine(RepositoryRoot.Path, "docs", "bad-input.md");

    private static readonly Lazy<IReadOnlyDictionary<string, string>> Sources = new(() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .SelectMany(text => ClassName().Matches(text).Select(m => (Class: m.Groups[1].Value, Text: text)))
            .GroupBy(c => c.Class)
            .ToDictionary(g => g.Key, g => string.Join("\n", g.Select(c => c.Text)), StringComparer.Ordinal));

    /// <summary>A table row: its number, its "what happens" and its test cells.</summary>
    private sealed record Row(int Number, string Happens, string Test);

    /// <summary>The rows whose first cell is a number; a cell's '|' is written '\|'.</summary>
    private static List<Row> Rows(string markdown) =>
        [.. markdown.Split('\n')
            .Where(l => l.StartsWith('|'))
            .Select(l => CellBorder().Split(l.Trim()))
            .Where(cells => cells.Length == 6 && int.TryParse(cells[1].Trim(), out _))
            .Select(cells => new Row(int.Parse(cells[1].Trim(), System.Globalization.CultureInfo.InvariantCulture), cells[3], cells[4].Trim().Trim('`')))];

    /// <summary>Every problem of a table, as text; none for a good one.</summary>
    private static List<string> Problems(string markdown)
    {
        var problems = new List<string>();
        var rows = Rows(markdown);
        if (rows.Count < 40)
            problems.Add($"{rows.Count} rows; the table needs at least 40");
        for (var i = 0; i < rows.Count; i++)
            if (rows[i].Number != i + 1)
                problems.Add($"row {i + 1} is numbered {rows[i].Number}");
        foreach (var row in rows)
        {
            var dot = row.Test.LastIndexOf('.');
            var (type, method) = dot < 0 ? ("", row.Test) : (row.Test[..dot], row.Test[(dot + 1)..]);
            if (!Sources.Value.TryGetValue(type, out var source) || MethodSource(source, method) is not { } body)
            {
                problems.Add($"row {row.Number}: no [Fact] or [Theory] {row.Test} in tests/");
                continue;
            }
            var quoted = Quoted().Matches(row.Happens).Select(m => m.Groups[1].Value).ToList();
            if (quoted.Count == 0)
                problems.Add($"row {row.Number}: quotes no ErrorId in `backticks`");
            foreach (var word in quoted.Where(w => !body.Contains(w, StringComparison.Ordinal)))
                problems.Add($"row {row.Number}: {row.Test} does not mention `{word}`");
        }
        return problems;
    }

    /// <summary>A test method's attributes and body: from its [Fact]/[Theory] to the next member.</summary>
    private static string? MethodSource(string source, string method)
    {
        var declaration = Regex.Match(source, $@"\n    public (?:async Task|void) {Regex.Escape(method)}\(");
        if (!declaration.Success)
            return null;
        // members are apart by a blank line: from there to the declaration are its attributes
        var first = Math.Max(0, source.LastIndexOf("\n\n", declaration.Index, StringComparison.Ordinal));
        var attributes = source[first..declaration.Index];
        if (!attributes.Contains("[Fact]", StringComparison.Ordinal) && !attributes.Contains("[Theory]", StringComparison.Ordinal))
            return null;
        var next = NextMember().Match(source, declaration.Index + declaration.Length);
        return source[first..(next.Success ? next.Index : source.Length)];
    }

    [Fact]
    public void Every_row_names_a_test_that_asserts_what_the_row_says()
    {
        var markdown = File.ReadAllText(TablePath);
        Assert.Empty(Problems(markdown));
        Assert.True(Rows(markdown).Count >= 40);
    }

    [Theory]
    [InlineData("`XmlTooLarge`", "`BadInputTests.New_PvcVm_refuses_malformed_XML`", "`BadInputTests.No_such_test`", "no [Fact] or [Theory]")]
    [InlineData("`XmlTooLarge`", "`BadInputTests.New_PvcVm_refuses_malformed_XML`", "`NoSuchClass.New_PvcVm_refuses_malformed_XML`", "no [Fact] or [Theory]")]
    [InlineData("`XmlTooLarge`", "`BadInputTests.New_PvcVm_refuses_malformed_XML`", "`BadInputTests.Set_PvcVm_refuses_nothing_to_change`", "does not mention `XmlTooLarge`")]
    [InlineData("| 1 |", "| 1 |", "| 7 |", "is numbered 7")]
    public void A_doctored_table_is_caught(string rowWith, string from, string to, string problem)
    {
        var markdown = File.ReadAllText(TablePath);
        // the first row that has both: the doctoring must change a real row
        var row = markdown.Split('\n').First(l => l.StartsWith('|') && l.Contains(rowWith, StringComparison.Ordinal) && l.Contains(from, StringComparison.Ordinal));
        var doctored = markdown.Replace(row, row.Replace(from, to, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains(Problems(doctored), p => p.Contains(problem, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex CellBorder();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\bclass\s+(\w+)")]
    private static partial Regex ClassName();

    [GeneratedRegex(@"\n    (?:\[|public |private |internal )")]
    private static partial Regex NextMember();
}
