using Markdig.Syntax;

namespace Pvc.HelpBuilder;

/// <summary>Reads the content of a page's <c>##</c> sections, failing with the file and section named.</summary>
internal sealed partial class SectionReader(string file)
{
    private HelpFormatException Fail(string section, int line, string problem) => new(file, section, line, problem);

    /// <summary>The paragraphs of a section of prose (SYNOPSIS, DESCRIPTION, NOTES).</summary>
    public List<string> Text(MarkdownSection section, bool required)
    {
        var paragraphs = MarkdownText.Paragraphs(section.Blocks).Where(p => p.Trim().Length > 0).ToList();
        if (required && paragraphs.Count == 0)
            throw Fail("## " + section.Title, section.Line, "the section is empty");
        return paragraphs;
    }

    /// <summary>The parameter sets of SYNTAX: its <c>###</c> headings (less " (Default)"), or the one unnamed set; each with its syntax block.</summary>
    public List<SyntaxBlock> Syntax(MarkdownSection section)
    {
        var (preamble, sets) = section.Subsections(3);
        if (sets.Count == 0)
        {
            if (preamble.OfType<FencedCodeBlock>().FirstOrDefault() is not { } code)
                throw Fail("## SYNTAX", section.Line, "there is no syntax code block");
            return [new SyntaxBlock(CommandHelp.AllParameterSets, "## SYNTAX", code.Line + 1, MarkdownText.Code(code))];
        }
        if (preamble.Count > 0)
            throw Fail("## SYNTAX", preamble[0].Line + 1, "text before the first parameter set heading");
        var blocks = new List<SyntaxBlock>();
        foreach (var set in sets)
        {
            if (set.Blocks.OfType<FencedCodeBlock>().FirstOrDefault() is not { } code)
                throw Fail("### " + set.Title, set.Line, "the parameter set has no syntax code block");
            var setName = set.Title.EndsWith(" (Default)", StringComparison.Ordinal) ? set.Title[..^" (Default)".Length].Trim() : set.Title;
            if (blocks.Any(b => b.ParameterSet.Equals(setName, StringComparison.OrdinalIgnoreCase)))
                throw Fail("### " + set.Title, set.Line, "the parameter set appears twice");
            blocks.Add(new SyntaxBlock(setName, "### " + set.Title, code.Line + 1, MarkdownText.Code(code)));
        }
        return blocks;
    }

    /// <summary>
    /// Each syntax block shows exactly the parameters documented for its set. The MAML syntax Get-Help shows is made
    /// from the parameter sections, so a block that drifted from them (a parameter left out of the help, such as a
    /// hidden one, but still in the block) would tell readers of the page something Get-Help does not.
    /// </summary>
    public void CheckSyntax(IEnumerable<SyntaxBlock> blocks, IReadOnlyList<ParameterHelp> parameters)
    {
        foreach (var block in blocks)
        {
            var shown = SyntaxParameter().Matches(block.Code).Select(m => m.Groups[1].Value).ToList();
            var documented = parameters.Where(p => p.UsageIn(block.ParameterSet) is not null).Select(p => p.Name).ToList();
            if (shown.FirstOrDefault(n => !documented.Contains(n, StringComparer.OrdinalIgnoreCase)) is { } extra)
                throw Fail(block.Heading, block.Line, $"the syntax shows -{extra}, which has no '### -{extra}' section in this parameter set");
            if (documented.FirstOrDefault(n => !shown.Contains(n, StringComparer.OrdinalIgnoreCase)) is { } missing)
                throw Fail(block.Heading, block.Line, $"the syntax lacks -{missing}, which is documented for this parameter set");
        }
    }

    // "-Name" after "[", a space or the line's start: not the dash inside the cmdlet's own Verb-Noun name
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![\w-])-([A-Za-z][A-Za-z0-9]*)")]
    private static partial System.Text.RegularExpressions.Regex SyntaxParameter();

    /// <summary>The examples: at least one <c>### Example</c>, each with a code block.</summary>
    public List<ExampleHelp> Examples(MarkdownSection section)
    {
        var (preamble, examples) = section.Subsections(3);
        if (preamble.Count > 0)
            throw Fail("## EXAMPLES", preamble[0].Line + 1, "text outside an example; start each with '### Example N: title'");
        if (examples.Count == 0)
            throw Fail("## EXAMPLES", section.Line, "there is no example; every cmdlet needs at least one '### Example 1: title' with a code block");
        var result = new List<ExampleHelp>();
        foreach (var example in examples)
        {
            var code = example.Blocks.OfType<FencedCodeBlock>().Select(MarkdownText.Code).ToList();
            if (code.Count == 0)
                throw Fail("### " + example.Title, example.Line, "the example has no code block");
            var remarks = MarkdownText.Paragraphs(example.Blocks.Where(b => b is not FencedCodeBlock));
            result.Add(new ExampleHelp(example.Title, string.Join("\n\n", code), remarks));
        }
        return result;
    }

    /// <summary>The parameters (each <c>### -Name</c> with a description and yaml blocks) and whether <c>### CommonParameters</c> is there.</summary>
    public (List<ParameterHelp> Parameters, bool CommonParameters) Parameters(MarkdownSection section, IReadOnlyList<string> parameterSets)
    {
        var (preamble, subsections) = section.Subsections(3);
        if (preamble.Count > 0)
            throw Fail("## PARAMETERS", preamble[0].Line + 1, "text outside a '### -Name' section");
        var parameters = new List<ParameterHelp>();
        var common = false;
        foreach (var sub in subsections)
        {
            if (sub.Title == "CommonParameters")
            {
                common = true;
                continue;
            }
            var heading = "### " + sub.Title;
            if (!sub.Title.StartsWith('-') || sub.Title.Length < 2 || sub.Title.Contains(' ', StringComparison.Ordinal))
                throw Fail(heading, sub.Line, "a parameter's heading is '### -Name' (or '### CommonParameters')");
            var name = sub.Title[1..];
            if (parameters.Any(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
                throw Fail(heading, sub.Line, "the parameter is documented twice");
            var description = MarkdownText.Paragraphs(sub.Blocks.Where(b => !IsYaml(b)));
            if (description.Count == 0)
                throw Fail(heading, sub.Line, "the parameter has no description");
            var usages = sub.Blocks.Where(IsYaml).Cast<FencedCodeBlock>()
                .Select(b => ParameterYaml.Parse(MarkdownText.Code(b), problem => Fail(heading, b.Line + 1, problem)))
                .ToList();
            if (usages.Count == 0)
                throw Fail(heading, sub.Line, "the parameter has no ```yaml block (Type, Parameter Sets, Aliases, Required, Position, Default value, Accept pipeline input, Accept wildcard characters)");
            foreach (var set in usages.SelectMany(u => u.ParameterSets))
                if (!parameterSets.Contains(set, StringComparer.OrdinalIgnoreCase))
                    throw Fail(heading, sub.Line, $"the parameter set '{set}' is not one of ## SYNTAX's ({string.Join(", ", parameterSets)})");
            parameters.Add(new ParameterHelp(name, description, usages));
        }
        return (parameters, common);
    }

    /// <summary>The types of INPUTS or OUTPUTS: one <c>### TypeName</c> each (<c>### None</c> when there are none).</summary>
    public List<TypeHelp> Types(MarkdownSection section)
    {
        var (preamble, types) = section.Subsections(3);
        if (preamble.Count > 0)
            throw Fail("## " + section.Title, preamble[0].Line + 1, "text outside a '### TypeName' heading");
        if (types.Count == 0)
            throw Fail("## " + section.Title, section.Line, "there is no '### TypeName' heading (write '### None' when there is no type)");
        return [.. types.Select(t => new TypeHelp(t.Title, MarkdownText.Paragraphs(t.Blocks)))];
    }

    private static bool IsYaml(Block block) =>
        block is FencedCodeBlock code && string.Equals(code.Info, "yaml", StringComparison.OrdinalIgnoreCase);
}
