using System.Management.Automation;
using Pvc.Testing;
using Pvc.Testing.PowerShell;

namespace Pvc.PowerShell.Tests;

/// <summary>
/// docs/pvc-command-map.md has one row per PVC 1.0.3 CLI command and names only cmdlets the built module exports,
/// with parameters they have; the doctored copies show that each kind of mistake is caught.
/// </summary>
public sealed class CommandMapTests
{
    private static readonly string MapPath = Path.Combine(RepositoryRoot.Path, "docs", "pvc-command-map.md");

    /// <summary>A copy of ../shared/reference/pvc-cli-commands.txt: CI has only the repository.</summary>
    private static readonly string CommandListPath = Path.Combine(RepositoryRoot.Path, "docs", "reference", "pvc-cli-commands.txt");

    // one import for the class: the doctored checks need the same cmdlets and parameters as the real one
    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlySet<string>>> Exported = new(ReadExported);

    private static IReadOnlyDictionary<string, IReadOnlySet<string>> ReadExported()
    {
        using var ps = PowerShellSession.Open();
        var cmdlets = ps.Run("(Get-Module Pvc).ExportedCmdlets.Values").ThrowIfErrors().OutputOf<CmdletInfo>();
        Assert.NotEmpty(cmdlets);
        return cmdlets.ToDictionary(c => c.Name, c => (IReadOnlySet<string>)c.Parameters.Keys.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    private static string Map() => File.ReadAllText(MapPath);

    private static IReadOnlyList<string> Commands() => CommandMapCheck.ReadCommandList(File.ReadAllText(CommandListPath));

    private static IReadOnlyList<string> Check(string map) => CommandMapCheck.Problems(map, Commands(), Exported.Value);

    /// <summary>The map with <paramref name="from"/> (which must occur exactly once, so the doctoring cannot silently miss) replaced.</summary>
    private static string Doctor(string from, string to)
    {
        var map = Map();
        var at = map.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0 && map.IndexOf(from, at + 1, StringComparison.Ordinal) < 0, $"'{from}' must occur once in the map to doctor it");
        return string.Concat(map.AsSpan(0, at), to, map.AsSpan(at + from.Length));
    }

    /// <summary>The one problem a doctored map has, which must mention every one of <paramref name="words"/>.</summary>
    private static void AssertOneProblem(string map, params string[] words)
    {
        var problem = Assert.Single(Check(map));
        foreach (var word in words)
            Assert.Contains(word, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_command_list_is_PVC_1_0_3s_147_leaf_commands_once_each()
    {
        var commands = Commands();
        Assert.Equal(147, commands.Count);
        Assert.Equal(commands.Count, commands.Distinct(StringComparer.Ordinal).Count());
        Assert.All(commands, c => Assert.Matches("^[a-z]+( [a-z-]+)+$", c));
    }

    [Fact]
    public void The_map_has_a_row_for_every_PVC_command_and_names_only_exported_cmdlets_and_their_parameters()
    {
        var problems = Check(Map());
        Assert.True(problems.Count == 0, "docs/pvc-command-map.md:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void A_command_without_a_row_is_reported()
    {
        AssertOneProblem(Doctor("| pvc provisioner create | not yet | Provisioner: no issue yet. |\n", ""), "pvc provisioner create has no row");
    }

    [Fact]
    public void A_second_row_for_a_command_is_reported()
    {
        const string row = "| pvc provisioner create | not yet | Provisioner: no issue yet. |\n";
        AssertOneProblem(Doctor(row, row + row), "pvc provisioner create has 2 rows");
    }

    [Fact]
    public void A_row_for_a_command_PVC_does_not_have_is_reported()
    {
        const string row = "| pvc provisioner create | not yet | Provisioner: no issue yet. |\n";
        AssertOneProblem(Doctor(row, row + "| pvc provisioner recreate | not yet | Provisioner: no issue yet. |\n"), "'pvc provisioner recreate' is not a command of the list");
    }

    [Fact]
    public void A_cmdlet_the_module_does_not_export_is_reported()
    {
        AssertOneProblem(Doctor("| pvc node flush | Suspend-PvcNode [-Wait]", "| pvc node flush | Suspend-PvcHost [-Wait]"), "pvc node flush", "'Suspend-PvcHost' is not a cmdlet the module exports");
    }

    [Fact]
    public void A_cell_that_is_neither_a_cmdlet_nor_not_yet_nor_na_is_reported()
    {
        AssertOneProblem(Doctor("| pvc provisioner create | not yet |", "| pvc provisioner create | later |"), "pvc provisioner create", "'later' is neither a cmdlet");
        AssertOneProblem(Doctor("| pvc provisioner create | not yet |", "| pvc provisioner create |  |"), "pvc provisioner create", "'' is neither a cmdlet");
    }

    [Fact]
    public void A_parameter_the_cmdlet_does_not_have_is_reported()
    {
        AssertOneProblem(Doctor("| Move-PvcVm -Return [-Live] [-Wait] |", "| Move-PvcVm -Back [-Live] [-Wait] |"), "pvc vm unmigrate", "Move-PvcVm has no parameter -Back");
        // optional parameters (in brackets) are checked as well
        AssertOneProblem(Doctor("| Move-PvcVm -Return [-Live] [-Wait] |", "| Move-PvcVm -Return [-ForceLive] [-Wait] |"), "pvc vm unmigrate", "Move-PvcVm has no parameter -ForceLive");
    }

    [Fact]
    public void A_parameter_spelled_otherwise_than_the_module_spells_it_is_reported()
    {
        AssertOneProblem(Doctor("| Move-PvcVm -Return [-Live] [-Wait] |", "| Move-PvcVm -return [-Live] [-Wait] |"), "Move-PvcVm has no parameter -return");
    }

    [Fact]
    public void A_not_yet_or_na_row_without_a_note_is_reported()
    {
        AssertOneProblem(Doctor("| pvc provisioner create | not yet | Provisioner: no issue yet. |", "| pvc provisioner create | not yet | |"), "pvc provisioner create", "needs a note");
        AssertOneProblem(Doctor("| pvc connection remove | n/a | Nothing is saved (see connection add); Disconnect-PvcCluster closes an open connection. |", "| pvc connection remove | n/a |  |"),
            "pvc connection remove", "needs a note");
    }

    [Fact]
    public void A_count_line_that_disagrees_with_the_rows_is_reported()
    {
        var mapped = CountOfMapped(Map());
        AssertOneProblem(Doctor($"{mapped} of 147 commands have a cmdlet.", $"{mapped + 1} of 147 commands have a cmdlet."), $"says {mapped + 1} of 147", $"the rows say {mapped} of 147");
        // a row that gains a cmdlet must raise the count
        AssertOneProblem(Doctor("| pvc provisioner create | not yet | Provisioner: no issue yet. |", "| pvc provisioner create | Get-PvcVm | Provisioner: no issue yet. |"), $"the rows say {mapped + 1} of 147");
        AssertOneProblem(Doctor($"{mapped} of 147 commands have a cmdlet.", ""), "there is no count line");
    }

    [Fact]
    public void A_row_with_a_missing_cell_is_reported()
    {
        var problems = Check(Doctor("| pvc provisioner create | not yet | Provisioner: no issue yet. |", "| pvc provisioner create | not yet |"));
        // a malformed row counts as no row, so the command is reported missing as well
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("three cells", StringComparison.Ordinal));
        Assert.Contains("pvc provisioner create has no row", problems);
    }

    /// <summary>The number in the real map's count line (read, not hard-coded, so the doctored checks survive new cmdlets).</summary>
    private static int CountOfMapped(string map) =>
        int.Parse(map.Split('\n').Single(l => l.EndsWith(" of 147 commands have a cmdlet.", StringComparison.Ordinal)).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
}
