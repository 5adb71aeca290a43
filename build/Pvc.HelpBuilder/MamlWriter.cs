using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Pvc.HelpBuilder;

/// <summary>
/// Writes cmdlet help as MAML, the XML Get-Help reads for compiled cmdlets
/// (<c>&lt;Assembly&gt;.dll-Help.xml</c> in the module's culture folder), in the shape platyPS produces.
/// </summary>
public static class MamlWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    private static readonly XNamespace MsHelp = "http://msdn.microsoft.com/mshelp";

    /// <summary>The <c>helpItems</c> document for a set of cmdlets.</summary>
    public static XDocument Document(IEnumerable<CommandHelp> commands) =>
        new(new XDeclaration("1.0", "utf-8", null),
            new XElement(Msh + "helpItems", new XAttribute("schema", "maml"), commands.Select(CommandElement)));

    /// <summary>Writes the document to a file (UTF-8, indented), creating its folder.</summary>
    public static void Write(IEnumerable<CommandHelp> commands, string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        // write aside and move, so a failed run never leaves half a file that looks up to date
        var temporary = path + ".tmp";
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false) };
        using (var writer = XmlWriter.Create(temporary, settings))
            Document(commands).Save(writer);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>One <c>command:command</c> element.</summary>
    public static XElement CommandElement(CommandHelp help)
    {
        ArgumentNullException.ThrowIfNull(help);
        return new XElement(Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XAttribute(XNamespace.Xmlns + "MSHelp", MsHelp),
            new XElement(Command + "details",
                new XElement(Command + "name", help.Name),
                new XElement(Command + "verb", help.Verb),
                new XElement(Command + "noun", help.Noun),
                Description([help.Synopsis])),
            Description(help.Description),
            new XElement(Command + "syntax", help.ParameterSets.Select(set => SyntaxItem(help, set))),
            new XElement(Command + "parameters", help.Parameters.Select(p => Parameter(p, p.Usages[0], inSyntax: false))),
            new XElement(Command + "inputTypes", help.Inputs.Select(t => TypeElement("inputType", t))),
            new XElement(Command + "returnValues", help.Outputs.Select(t => TypeElement("returnValue", t))),
            new XElement(Maml + "alertSet",
                new XElement(Maml + "alert", Paragraphs(help.Notes))),
            new XElement(Command + "examples", help.Examples.Select(Example)),
            new XElement(Command + "relatedLinks", RelatedLinks(help)));
    }

    private static XElement SyntaxItem(CommandHelp help, string set)
    {
        // positional parameters first, by position, then the rest in page order (as PowerShell shows syntax)
        var members = help.Parameters
            .Select((p, index) => (Parameter: p, Usage: p.UsageIn(set), Index: index))
            .Where(m => m.Usage is not null)
            .OrderBy(m => m.Usage!.PositionNumber ?? int.MaxValue)
            .ThenBy(m => m.Index);
        return new XElement(Command + "syntaxItem",
            new XElement(Maml + "name", help.Name),
            members.Select(m => Parameter(m.Parameter, m.Usage!, inSyntax: true)));
    }

    private static XElement Parameter(ParameterHelp parameter, ParameterUsage usage, bool inSyntax)
    {
        var element = new XElement(Command + "parameter",
            new XAttribute("required", Bool(usage.Required)),
            new XAttribute("variableLength", "true"),
            new XAttribute("globbing", Bool(usage.AcceptsWildcards)),
            new XAttribute("pipelineInput", usage.PipelineInput),
            new XAttribute("position", usage.PositionNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "named"),
            new XAttribute("aliases", usage.Aliases.Count == 0 ? "none" : string.Join(", ", usage.Aliases)),
            new XElement(Maml + "name", parameter.Name),
            Description(parameter.Description));
        if (usage.AcceptedValues.Count > 0)
            element.Add(new XElement(Command + "parameterValueGroup",
                usage.AcceptedValues.Select(v => new XElement(Command + "parameterValue",
                    new XAttribute("required", "false"), new XAttribute("variableLength", "false"), v))));
        // a switch takes no value: platyPS leaves its value out of the syntax, so Get-Help shows [-Name], not [-Name <SwitchParameter>]
        if (!(inSyntax && usage.IsSwitch))
            element.Add(new XElement(Command + "parameterValue",
                new XAttribute("required", Bool(!usage.IsSwitch)),
                new XAttribute("variableLength", "false"),
                usage.Type));
        element.Add(
            new XElement(Dev + "type",
                new XElement(Maml + "name", usage.Type),
                new XElement(Maml + "uri")),
            new XElement(Dev + "defaultValue", usage.DefaultValue));
        return element;
    }

    private static XElement TypeElement(string kind, TypeHelp type) =>
        new(Command + kind,
            new XElement(Dev + "type", new XElement(Maml + "name", type.Name)),
            Description(type.Description));

    private static XElement Example(ExampleHelp example) =>
        new(Command + "example",
            new XElement(Maml + "title", $"-------------------------- {example.Title} --------------------------"),
            new XElement(Dev + "code", example.Code),
            new XElement(Dev + "remarks", Paragraphs(example.Remarks)));

    private static IEnumerable<XElement> RelatedLinks(CommandHelp help)
    {
        if (help.OnlineVersion is not null)
            yield return Link("Online Version:", help.OnlineVersion);
        foreach (var link in help.RelatedLinks)
            yield return Link(link.Text, link.Uri ?? "");
    }

    private static XElement Link(string text, string uri) =>
        new(Maml + "navigationLink", new XElement(Maml + "linkText", text), new XElement(Maml + "uri", uri));

    private static XElement Description(IEnumerable<string> paragraphs) => new(Maml + "description", Paragraphs(paragraphs));

    private static IEnumerable<XElement> Paragraphs(IEnumerable<string> paragraphs) =>
        paragraphs.Select(p => new XElement(Maml + "para", p));

    private static string Bool(bool value) => value ? "true" : "false";
}
