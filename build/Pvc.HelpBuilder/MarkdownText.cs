using System.Text;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Pvc.HelpBuilder;

/// <summary>Turns Markdown blocks into the plain-text paragraphs MAML holds (Get-Help wraps text itself).</summary>
internal static class MarkdownText
{
    /// <summary>The paragraphs of a run of blocks: one per paragraph, list item or code block.</summary>
    public static List<string> Paragraphs(IEnumerable<Block> blocks)
    {
        var paragraphs = new List<string>();
        foreach (var block in blocks)
            AddParagraphs(block, paragraphs, "");
        return paragraphs;
    }

    /// <summary>The plain text of a heading or paragraph's inlines: code spans and links become their text.</summary>
    public static string Inline(ContainerInline? inline)
    {
        var text = new StringBuilder();
        if (inline is not null)
            Append(text, inline);
        return text.ToString().Trim();
    }

    /// <summary>The plain text of a link's label (without its target).</summary>
    public static string Label(LinkInline link)
    {
        var text = new StringBuilder();
        foreach (var child in link)
            Append(text, child);
        return text.ToString().Trim();
    }

    /// <summary>The text of a code block, lines joined with LF, without a trailing newline.</summary>
    public static string Code(LeafBlock block) => block.Lines.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');

    private static void AddParagraphs(Block block, List<string> paragraphs, string prefix)
    {
        switch (block)
        {
            case ParagraphBlock p:
                paragraphs.Add(prefix + Inline(p.Inline));
                break;
            case HeadingBlock h:
                paragraphs.Add(prefix + Inline(h.Inline));
                break;
            case CodeBlock code:
                paragraphs.Add(string.Join('\n', Code(code).Split('\n').Select(l => "    " + l)));
                break;
            case ListBlock list:
                var number = int.TryParse(list.OrderedStart, out var start) ? start : 1;
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    var bullet = list.IsOrdered ? $"{number++}. " : "- ";
                    var first = true;
                    foreach (var child in item)
                    {
                        AddParagraphs(child, paragraphs, first ? bullet : new string(' ', bullet.Length));
                        first = false;
                    }
                }
                break;
            case ContainerBlock container:
                foreach (var child in container)
                    AddParagraphs(child, paragraphs, prefix);
                break;
            case LeafBlock leaf when leaf.Lines.Count > 0:
                paragraphs.Add(prefix + leaf.Lines.ToString().Trim());
                break;
        }
    }

    private static void Append(StringBuilder text, Inline inline)
    {
        switch (inline)
        {
            case LiteralInline literal:
                text.Append(literal.Content.ToString());
                break;
            case CodeInline code:
                text.Append(code.Content);
                break;
            case LineBreakInline lineBreak:
                text.Append(lineBreak.IsHard ? "\n" : " ");
                break;
            case AutolinkInline autolink:
                text.Append(autolink.Url);
                break;
            case HtmlEntityInline entity:
                text.Append(entity.Transcoded.ToString());
                break;
            case HtmlInline html:
                text.Append(html.Tag);
                break;
            case LinkInline link:
                var start = text.Length;
                foreach (var child in link)
                    Append(text, child);
                var label = text.ToString(start, text.Length - start);
                if (IsAbsolute(link.Url) && label != link.Url)
                    text.Append(" (").Append(link.Url).Append(')');
                break;
            case ContainerInline container:
                foreach (var child in container)
                    Append(text, child);
                break;
        }
    }

    /// <summary>Whether a link target is an absolute http(s) URI (links to sibling pages are not).</summary>
    public static bool IsAbsolute(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
