using Markdig.Syntax;

namespace Pvc.HelpBuilder;

/// <summary>A heading and the blocks under it, up to the next heading of the same or a higher level.</summary>
/// <param name="Title">The heading's text (without the #s).</param>
/// <param name="Line">The heading's 1-based line.</param>
/// <param name="Blocks">The blocks under the heading, sub-headings included.</param>
internal sealed record MarkdownSection(string Title, int Line, IReadOnlyList<Block> Blocks)
{
    /// <summary>Splits blocks at headings of a level: the blocks before the first such heading, and the sections.</summary>
    public static (IReadOnlyList<Block> Preamble, IReadOnlyList<MarkdownSection> Sections) Split(IEnumerable<Block> blocks, int level)
    {
        var preamble = new List<Block>();
        var sections = new List<MarkdownSection>();
        (string Title, int Line, List<Block> Blocks)? current = null;
        foreach (var block in blocks)
        {
            if (block is HeadingBlock heading && heading.Level <= level)
            {
                if (current is { } done)
                    sections.Add(new MarkdownSection(done.Title, done.Line, done.Blocks));
                current = (MarkdownText.Inline(heading.Inline), heading.Line + 1, []);
            }
            else if (current is { } open)
                open.Blocks.Add(block);
            else
                preamble.Add(block);
        }
        if (current is { } last)
            sections.Add(new MarkdownSection(last.Title, last.Line, last.Blocks));
        return (preamble, sections);
    }

    /// <summary>The subsections (<c>###</c> when this is a <c>##</c> section), and the blocks before the first.</summary>
    public (IReadOnlyList<Block> Preamble, IReadOnlyList<MarkdownSection> Sections) Subsections(int level) => Split(Blocks, level);
}
