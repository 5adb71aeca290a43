using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Pvc.HelpBuilder;

/// <summary>
/// Reads a cmdlet page in platyPS's Markdown layout (schema 2.0.0) and checks it: a page that lacks a
/// section, or whose sections lack what Get-Help needs, is refused with a <see cref="HelpFormatException"/>.
/// </summary>
public static class MarkdownHelpReader
{
    /// <summary>The <c>##</c> sections of a page, in platyPS's order; every one must be present.</summary>
    public static readonly IReadOnlyList<string> Sections =
        ["SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS"];

    /// <summary>The front matter keys every page must have.</summary>
    public static readonly IReadOnlyList<string> FrontMatterKeys = ["external help file", "Module Name", "online version", "schema"];

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseYamlFrontMatter().Build();

    /// <summary>Reads and checks a page file.</summary>
    public static CommandHelp Read(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Reads and checks a page's text; <paramref name="file"/> names it in errors, and its base name must be the cmdlet's.</summary>
    public static CommandHelp Parse(string markdown, string file)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        ArgumentNullException.ThrowIfNull(file);
        var document = Markdown.Parse(markdown.Replace("\r\n", "\n", StringComparison.Ordinal), Pipeline);
        HelpFormatException Fail(string section, int line, string problem) => new(file, section, line, problem);

        // front matter
        var blocks = document.ToList();
        if (blocks.FirstOrDefault() is not YamlFrontMatterBlock yaml)
            throw Fail("front matter", 1, "the page must start with YAML front matter (---) naming " + string.Join(", ", FrontMatterKeys));
        blocks.RemoveAt(0);
        var front = FrontMatter(yaml);
        foreach (var key in FrontMatterKeys)
            if (!front.ContainsKey(key))
                throw Fail("front matter", yaml.Line + 1, $"the front matter lacks '{key}:'");
        if (front["schema"] != "2.0.0")
            throw Fail("front matter", yaml.Line + 1, $"schema is '{front["schema"]}'; this builder reads platyPS's schema 2.0.0");
        if (front["external help file"].Length == 0 || front["Module Name"].Length == 0)
            throw Fail("front matter", yaml.Line + 1, "'external help file' and 'Module Name' must not be empty");

        // # Name
        if (blocks.FirstOrDefault() is not HeadingBlock { Level: 1 } title)
            throw Fail("# Name", blocks.FirstOrDefault()?.Line + 1 ?? 0, "the page must have a '# Verb-Noun' title after the front matter");
        blocks.RemoveAt(0);
        var name = MarkdownText.Inline(title.Inline);
        var expected = Path.GetFileNameWithoutExtension(file);
        if (!name.Equals(expected, StringComparison.Ordinal))
            throw Fail("# Name", title.Line + 1, $"the title '{name}' does not match the file name '{expected}.md'");
        if (name.Split('-') is not [{ Length: > 0 }, { Length: > 0 }])
            throw Fail("# Name", title.Line + 1, $"'{name}' is not a Verb-Noun cmdlet name");

        // ## sections
        var (preamble, found) = MarkdownSection.Split(blocks, 2);
        if (preamble.Count > 0)
            throw Fail("# " + name, preamble[0].Line + 1, "text between the title and '## SYNOPSIS'");
        var sections = new Dictionary<string, MarkdownSection>(StringComparer.Ordinal);
        foreach (var section in found)
        {
            if (section.Title.StartsWith('#') || !Sections.Contains(section.Title))
                throw Fail("## " + section.Title, section.Line, $"unknown section; a page has exactly these: {string.Join(", ", Sections.Select(s => "## " + s))}");
            if (!sections.TryAdd(section.Title, section))
                throw Fail("## " + section.Title, section.Line, "the section appears twice");
        }
        foreach (var required in Sections)
            if (!sections.ContainsKey(required))
                throw Fail("## " + required, 0, "the section is missing");

        var reader = new SectionReader(file);
        var syntax = reader.Syntax(sections["SYNTAX"]);
        var parameterSets = syntax.Select(b => b.ParameterSet).ToList();
        var (parameters, common) = reader.Parameters(sections["PARAMETERS"], parameterSets);
        reader.CheckSyntax(syntax, parameters);
        return new CommandHelp(
            Name: name,
            ExternalHelpFile: front["external help file"],
            ModuleName: front["Module Name"],
            OnlineVersion: front["online version"].Length == 0 ? null : front["online version"],
            Synopsis: string.Join(" ", reader.Text(sections["SYNOPSIS"], required: true)),
            Description: reader.Text(sections["DESCRIPTION"], required: true),
            ParameterSets: parameterSets,
            Examples: reader.Examples(sections["EXAMPLES"]),
            Parameters: parameters,
            SupportsCommonParameters: common,
            Inputs: reader.Types(sections["INPUTS"]),
            Outputs: reader.Types(sections["OUTPUTS"]),
            Notes: reader.Text(sections["NOTES"], required: false),
            RelatedLinks: RelatedLinks(sections["RELATED LINKS"]));
    }

    private static Dictionary<string, string> FrontMatter(YamlFrontMatterBlock yaml)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in yaml.Lines.ToString().Split('\n'))
        {
            var line = raw.Trim();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (line == "---" || colon <= 0)
                continue;
            values[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        return values;
    }

    private static List<LinkHelp> RelatedLinks(MarkdownSection section)
    {
        var links = new List<LinkHelp>();
        foreach (var block in section.Blocks.SelectMany(Leaves))
        {
            var inlines = (block as LeafBlock)?.Inline;
            var found = inlines?.Descendants<LinkInline>().ToList() ?? [];
            if (found.Count == 0 && block is ParagraphBlock p)
                links.Add(new LinkHelp(MarkdownText.Inline(p.Inline), null));
            foreach (var link in found)
            {
                var text = MarkdownText.Label(link);
                links.Add(new LinkHelp(text.Length == 0 ? link.Url ?? "" : text, MarkdownText.IsAbsolute(link.Url) ? link.Url : null));
            }
        }
        return links;
    }

    private static IEnumerable<Block> Leaves(Block block) =>
        block is ContainerBlock container ? container.SelectMany(Leaves) : [block];
}
