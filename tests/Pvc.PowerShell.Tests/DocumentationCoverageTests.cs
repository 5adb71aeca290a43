using System.Management.Automation;
using Pvc.HelpBuilder;
using Pvc.Testing;
using Pvc.Testing.PowerShell;

namespace Pvc.PowerShell.Tests;

/// <summary>
/// Every exported cmdlet has a page in docs/cmdlets, every parameter (common parameters aside) a
/// <c>### -Name</c> section, no page documents what does not exist, and what the pages say about each
/// parameter (sets, mandatory, position, aliases, pipeline input, type) is what the cmdlet declares.
/// A cmdlet cannot ship undocumented, nor its help drift from it.
/// </summary>
public sealed class DocumentationCoverageTests
{
    private static readonly string Docs = Path.Combine(RepositoryRoot.Path, "docs", "cmdlets");

    private static List<CmdletInfo> ExportedCmdlets()
    {
        using var ps = PowerShellSession.Open();
        var cmdlets = ps.Run("(Get-Module Pvc).ExportedCmdlets.Values").ThrowIfErrors().OutputOf<CmdletInfo>();
        Assert.NotEmpty(cmdlets);
        return [.. cmdlets.OrderBy(c => c.Name, StringComparer.Ordinal)];
    }

    private static Dictionary<string, CommandHelp> Pages() =>
        Directory.GetFiles(Docs, "*.md").Select(MarkdownHelpReader.Read).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The parameters a page must document: all but the common ones (-WhatIf and -Confirm are documented, as platyPS
    /// does) and the hidden ones.
    /// </summary>
    private static IEnumerable<string> DocumentedParameters(CmdletInfo cmdlet) =>
        cmdlet.Parameters.Keys.Where(p => !Cmdlet.CommonParameters.Contains(p) && !IsHidden(cmdlet, p));

    /// <summary>A DontShow parameter: for pipeline binding, not for people; what a page documents Get-Help shows, so its page must not.</summary>
    internal static bool IsHidden(CmdletInfo cmdlet, string parameter) =>
        cmdlet.Parameters[parameter].Attributes.OfType<ParameterAttribute>().Any(a => a.DontShow);

    [Fact]
    public void Every_cmdlet_and_parameter_has_documentation_and_every_documented_parameter_exists()
    {
        var cmdlets = ExportedCmdlets();
        var pages = Pages();
        var problems = new List<string>();
        foreach (var cmdlet in cmdlets)
        {
            if (!pages.TryGetValue(cmdlet.Name, out var page))
            {
                problems.Add($"{cmdlet.Name} has no page: write docs/cmdlets/{cmdlet.Name}.md");
                continue;
            }
            var documented = page.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var parameter in DocumentedParameters(cmdlet).Where(p => !documented.Contains(p)))
                problems.Add($"{cmdlet.Name}: -{parameter} has no '### -{parameter}' section in {cmdlet.Name}.md");
            foreach (var extra in documented.Where(p => !cmdlet.Parameters.ContainsKey(p)))
                problems.Add($"{cmdlet.Name}.md documents -{extra}, which {cmdlet.Name} does not have");
            foreach (var hidden in documented.Where(p => cmdlet.Parameters.ContainsKey(p) && IsHidden(cmdlet, p)))
                problems.Add($"{cmdlet.Name}.md documents -{hidden}, which is hidden (DontShow): Get-Help would show it; take its section and syntax out");
            if (!page.SupportsCommonParameters)
                problems.Add($"{cmdlet.Name}.md has no '### CommonParameters' section");
        }
        foreach (var orphan in pages.Keys.Where(name => !cmdlets.Any(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase))))
            problems.Add($"docs/cmdlets/{orphan}.md documents a cmdlet the module does not export");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void What_the_pages_say_about_each_parameter_is_what_the_cmdlet_declares()
    {
        var pages = Pages();
        var problems = new List<string>();
        foreach (var cmdlet in ExportedCmdlets().Where(c => pages.ContainsKey(c.Name)))
        {
            var page = pages[cmdlet.Name];
            var sets = cmdlet.ParameterSets.Select(s => s.Name).Order(StringComparer.OrdinalIgnoreCase).ToList();
            var pageSets = page.ParameterSets.Order(StringComparer.OrdinalIgnoreCase).ToList();
            if (!sets.SequenceEqual(pageSets, StringComparer.OrdinalIgnoreCase))
                problems.Add($"{cmdlet.Name}: ## SYNTAX has the parameter sets {string.Join(", ", pageSets)}; the cmdlet has {string.Join(", ", sets)}");
            foreach (var set in cmdlet.ParameterSets)
            {
                foreach (var parameter in set.Parameters.Where(p => !Cmdlet.CommonParameters.Contains(p.Name)))
                {
                    var documented = page.Parameters.FirstOrDefault(p => p.Name.Equals(parameter.Name, StringComparison.OrdinalIgnoreCase));
                    if (documented is null)
                        continue; // the coverage test reports it
                    var usage = documented.UsageIn(set.Name);
                    if (usage is null)
                    {
                        problems.Add($"{cmdlet.Name}: -{parameter.Name} is in the parameter set {set.Name}, but its yaml blocks do not name that set (or (All))");
                        continue;
                    }
                    var where = $"{cmdlet.Name} -{parameter.Name} ({set.Name})";
                    Check(problems, where, "Required", parameter.IsMandatory ? "True" : "False", usage.Required ? "True" : "False");
                    Check(problems, where, "Position", parameter.Position == int.MinValue ? "Named" : parameter.Position.ToString(System.Globalization.CultureInfo.InvariantCulture), usage.Position);
                    Check(problems, where, "Aliases", string.Join(", ", parameter.Aliases.Order(StringComparer.Ordinal)), string.Join(", ", usage.Aliases.Order(StringComparer.Ordinal)));
                    Check(problems, where, "Accept pipeline input", PipelineInput(parameter), usage.PipelineInput);
                    if (!parameter.ParameterType.IsGenericType)
                        Check(problems, where, "Type", parameter.ParameterType.Name, usage.Type);
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>platyPS's wording: False, True (ByValue), True (ByPropertyName), True (ByPropertyName, ByValue).</summary>
    private static string PipelineInput(CommandParameterInfo parameter)
    {
        var ways = new List<string>();
        if (parameter.ValueFromPipelineByPropertyName)
            ways.Add("ByPropertyName");
        if (parameter.ValueFromPipeline)
            ways.Add("ByValue");
        return ways.Count == 0 ? "False" : $"True ({string.Join(", ", ways)})";
    }

    private static void Check(List<string> problems, string where, string key, string declared, string documented)
    {
        if (!declared.Equals(documented, StringComparison.OrdinalIgnoreCase))
            problems.Add($"{where}: the page says '{key}: {documented}', the cmdlet declares '{declared}'");
    }
}
