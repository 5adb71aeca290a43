using System.Diagnostics;
using System.Xml.Linq;
using Pvc.HelpBuilder;

namespace Pvc.PowerShell.Tests;

/// <summary>The Markdown (platyPS layout) to MAML converter, on small pages.</summary>
public sealed class HelpBuilderTests
{
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private const string Page = """
        ---
        external help file: Pvc.PowerShell.dll-Help.xml
        Module Name: Pvc
        online version: https://example.org/Get-PvcThing
        schema: 2.0.0
        ---

        # Get-PvcThing

        ## SYNOPSIS
        Gets things.

        ## SYNTAX

        ### ByName (Default)
        ```
        Get-PvcThing [[-Name] <String[]>] [-Force] [<CommonParameters>]
        ```

        ### ById
        ```
        Get-PvcThing -Id <Guid> [-Force] [<CommonParameters>]
        ```

        ## DESCRIPTION
        Gets the things of a cluster, by `name` or by id.

        Names may hold wildcards:

        - `*` any text
        - `?` one character

        ## EXAMPLES

        ### Example 1: Every thing
        ```powershell
        PS> Get-PvcThing
        ```

        Lists every thing.

        ## PARAMETERS

        ### -Name
        Names of things, see [the docs](https://example.org/names).

        ```yaml
        Type: String[]
        Parameter Sets: ByName
        Aliases: ThingName, N

        Required: False
        Position: 0
        Default value: None
        Accept pipeline input: True (ByPropertyName, ByValue)
        Accept wildcard characters: True
        ```

        ### -Id
        The thing's id.

        ```yaml
        Type: Guid
        Parameter Sets: ById
        Aliases: None

        Required: True
        Position: Named
        Default value: None
        Accept pipeline input: True (ByPropertyName)
        Accept wildcard characters: False
        ```

        ### -Force
        Also gets hidden things.

        ```yaml
        Type: SwitchParameter
        Parameter Sets: (All)
        Aliases: None

        Required: False
        Position: Named
        Default value: False
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### CommonParameters
        This cmdlet supports the common parameters.

        ## INPUTS

        ### System.String[]
        Names, by value.

        ## OUTPUTS

        ### Pvc.Thing
        A thing.

        ## NOTES
        Nothing to note.

        ## RELATED LINKS

        [Set-PvcThing](Set-PvcThing.md)

        [About things](https://example.org/about)
        """;

    [Fact]
    public void A_page_is_read_into_its_sections()
    {
        var help = MarkdownHelpReader.Parse(Page, "docs/Get-PvcThing.md");
        Assert.Equal("Get-PvcThing", help.Name);
        Assert.Equal(("Get", "PvcThing"), (help.Verb, help.Noun));
        Assert.Equal("Pvc", help.ModuleName);
        Assert.Equal("Gets things.", help.Synopsis);
        Assert.Equal(["Gets the things of a cluster, by name or by id.", "Names may hold wildcards:", "- * any text", "- ? one character"], help.Description);
        Assert.Equal(["ByName", "ById"], help.ParameterSets);
        Assert.Equal(["Name", "Id", "Force"], help.Parameters.Select(p => p.Name));
        Assert.Equal("Names of things, see the docs (https://example.org/names).", help.Parameters[0].Description.Single());
        var name = help.Parameters[0].Usages.Single();
        Assert.Equal(["ThingName", "N"], name.Aliases);
        Assert.Equal(0, name.PositionNumber);
        Assert.True(name.AcceptsWildcards);
        Assert.Null(help.Parameters[1].UsageIn("ByName"));
        Assert.True(help.Parameters[2].Usages.Single().InAllSets);
        Assert.True(help.SupportsCommonParameters);
        var example = help.Examples.Single();
        Assert.Equal(("Example 1: Every thing", "PS> Get-PvcThing"), (example.Title, example.Code));
        Assert.Equal(["Lists every thing."], example.Remarks);
        Assert.Equal("System.String[]", help.Inputs.Single().Name);
        Assert.Equal(["Nothing to note."], help.Notes);
        Assert.Equal([new LinkHelp("Set-PvcThing", null), new LinkHelp("About things", "https://example.org/about")], help.RelatedLinks);
    }

    [Fact]
    public void The_MAML_has_what_Get_Help_reads()
    {
        var command = MamlWriter.CommandElement(MarkdownHelpReader.Parse(Page, "Get-PvcThing.md"));
        var details = command.Element(Command + "details")!;
        Assert.Equal("Get-PvcThing", details.Element(Command + "name")!.Value);
        Assert.Equal("Get", details.Element(Command + "verb")!.Value);
        Assert.Equal("PvcThing", details.Element(Command + "noun")!.Value);
        Assert.Equal("Gets things.", details.Element(Maml + "description")!.Element(Maml + "para")!.Value);
        Assert.Equal(4, command.Element(Maml + "description")!.Elements(Maml + "para").Count());

        // one syntax item per parameter set, with that set's parameters, positional ones first
        var items = command.Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal(["Name", "Force"], items[0].Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value));
        Assert.Equal(["Id", "Force"], items[1].Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value));
        var id = items[1].Elements(Command + "parameter").First();
        Assert.Equal("true", id.Attribute("required")!.Value);
        Assert.Equal("named", id.Attribute("position")!.Value);
        // a switch shows no value in the syntax, but its type in the parameter list
        Assert.Null(items[0].Elements(Command + "parameter").Last().Element(Command + "parameterValue"));

        var parameters = command.Element(Command + "parameters")!.Elements(Command + "parameter").ToList();
        Assert.Equal(3, parameters.Count);
        var name = parameters[0];
        Assert.Equal("false", name.Attribute("required")!.Value);
        Assert.Equal("0", name.Attribute("position")!.Value);
        Assert.Equal("true", name.Attribute("globbing")!.Value);
        Assert.Equal("True (ByPropertyName, ByValue)", name.Attribute("pipelineInput")!.Value);
        Assert.Equal("ThingName, N", name.Attribute("aliases")!.Value);
        Assert.Equal("String[]", name.Element(Command + "parameterValue")!.Value);
        Assert.Equal("String[]", name.Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("None", name.Element(Dev + "defaultValue")!.Value);
        Assert.Equal("none", parameters[1].Attribute("aliases")!.Value);
        Assert.Equal("SwitchParameter", parameters[2].Element(Command + "parameterValue")!.Value);

        Assert.Equal("System.String[]", command.Descendants(Command + "inputType").Single().Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("Pvc.Thing", command.Descendants(Command + "returnValue").Single().Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("Nothing to note.", command.Element(Maml + "alertSet")!.Element(Maml + "alert")!.Element(Maml + "para")!.Value);

        var example = command.Element(Command + "examples")!.Element(Command + "example")!;
        Assert.Contains("Example 1: Every thing", example.Element(Maml + "title")!.Value, StringComparison.Ordinal);
        Assert.Equal("PS> Get-PvcThing", example.Element(Dev + "code")!.Value);
        Assert.Equal("Lists every thing.", example.Element(Dev + "remarks")!.Element(Maml + "para")!.Value);

        var links = command.Element(Command + "relatedLinks")!.Elements(Maml + "navigationLink")
            .Select(l => (l.Element(Maml + "linkText")!.Value, l.Element(Maml + "uri")!.Value));
        Assert.Equal([("Online Version:", "https://example.org/Get-PvcThing"), ("Set-PvcThing", ""), ("About things", "https://example.org/about")], links);
    }

    [Theory]
    [InlineData("no description", "## DESCRIPTION", "the section is missing")]
    [InlineData("no examples section", "## EXAMPLES", "the section is missing")]
    [InlineData("no example", "## EXAMPLES", "there is no example")]
    [InlineData("example without code", "### Example 1: Every thing", "the example has no code block")]
    [InlineData("empty synopsis", "## SYNOPSIS", "the section is empty")]
    [InlineData("unknown section", "## REMARKS", "unknown section")]
    [InlineData("yaml without Required", "### -Id", "lacks 'Required'")]
    [InlineData("parameter without yaml", "### -Force", "no ```yaml block")]
    [InlineData("unknown parameter set", "### -Id", "'Nowhere' is not one of ## SYNTAX's")]
    [InlineData("no schema", "front matter", "lacks 'schema:'")]
    [InlineData("title not the file name", "# Name", "does not match the file name")]
    [InlineData("syntax shows an undocumented parameter", "### ById", "the syntax shows -Uuid, which has no '### -Uuid' section")]
    [InlineData("syntax lacks a documented parameter", "### ByName (Default)", "the syntax lacks -Force, which is documented")]
    public void A_malformed_page_is_refused_naming_the_file_and_section(string fault, string section, string problem)
    {
        var page = fault switch
        {
            "no description" => RemoveSection(Page, "## DESCRIPTION", "## EXAMPLES"),
            "no examples section" => RemoveSection(Page, "## EXAMPLES", "## PARAMETERS"),
            "no example" => RemoveSection(Page, "### Example 1", "## PARAMETERS"),
            "example without code" => Page.Replace("```powershell\nPS> Get-PvcThing\n```", "", StringComparison.Ordinal),
            "empty synopsis" => Page.Replace("Gets things.", "", StringComparison.Ordinal),
            "unknown section" => Page.Replace("## NOTES\nNothing to note.", "## NOTES\n\n## REMARKS\nNothing to note.", StringComparison.Ordinal),
            "yaml without Required" => Page.Replace("Required: True\n", "", StringComparison.Ordinal),
            "parameter without yaml" => Page[..Page.IndexOf("Also gets hidden things.", StringComparison.Ordinal)] + "Also gets hidden things.\n\n" + Page[Page.IndexOf("### CommonParameters", StringComparison.Ordinal)..],
            "unknown parameter set" => Page.Replace("Parameter Sets: ById", "Parameter Sets: Nowhere", StringComparison.Ordinal),
            "no schema" => Page.Replace("schema: 2.0.0\n", "", StringComparison.Ordinal),
            "title not the file name" => Page.Replace("# Get-PvcThing", "# Get-PvcThings", StringComparison.Ordinal),
            "syntax shows an undocumented parameter" => Page.Replace("Get-PvcThing -Id <Guid> [-Force]", "Get-PvcThing -Id <Guid> [-Force] [-Uuid <Guid>]", StringComparison.Ordinal),
            "syntax lacks a documented parameter" => Page.Replace("Get-PvcThing [[-Name] <String[]>] [-Force]", "Get-PvcThing [[-Name] <String[]>]", StringComparison.Ordinal),
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };
        Assert.NotEqual(Page, page);
        var e = Assert.Throws<HelpFormatException>(() => MarkdownHelpReader.Parse(page, "docs/cmdlets/Get-PvcThing.md"));
        Assert.Equal("docs/cmdlets/Get-PvcThing.md", e.File);
        Assert.Equal(section, e.Section);
        Assert.Contains(problem, e.Problem, StringComparison.Ordinal);
        Assert.StartsWith("docs/cmdlets/Get-PvcThing.md", e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{section}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_builder_fails_a_malformed_page_with_an_MSBuild_error_naming_the_file_and_section_and_writes_nothing()
    {
        var folder = Directory.CreateTempSubdirectory("pvc-help-");
        try
        {
            var docs = folder.CreateSubdirectory("docs").FullName;
            var output = Path.Combine(folder.FullName, "out", "en-US", "Pvc.PowerShell.dll-Help.xml");
            File.WriteAllText(Path.Combine(docs, "Get-PvcThing.md"), Page);

            var (code, stdout) = RunBuilder(docs, output);
            Assert.Equal(0, code);
            Assert.Equal("helpItems", XDocument.Load(output).Root!.Name.LocalName);
            File.Delete(output);

            var broken = Path.Combine(docs, "Get-PvcThing.md");
            File.WriteAllText(broken, RemoveSection(Page, "## OUTPUTS", "## NOTES"));
            (code, stdout) = RunBuilder(docs, output);
            Assert.Equal(1, code);
            // MSBuild's canonical error format, so the build fails with this line as its error
            Assert.Contains($"{broken}: error PVCHELP: section '## OUTPUTS': the section is missing", stdout, StringComparison.Ordinal);
            Assert.False(File.Exists(output));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string RemoveSection(string page, string heading, string next)
    {
        var start = page.IndexOf(heading, StringComparison.Ordinal);
        return page[..start] + page[page.IndexOf(next, StringComparison.Ordinal)..];
    }

    private static (int ExitCode, string Output) RunBuilder(string docs, string output)
    {
        var builder = Path.Combine(AppContext.BaseDirectory, "Pvc.HelpBuilder.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            ArgumentList = { builder, docs, output },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "the help builder did not finish in 60 s");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
