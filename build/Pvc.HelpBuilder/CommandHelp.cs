namespace Pvc.HelpBuilder;

/// <summary>One cmdlet's help, as read from its platyPS-layout Markdown page.</summary>
/// <param name="Name">The cmdlet's name (<c># Name</c>), Verb-Noun.</param>
/// <param name="ExternalHelpFile">The front matter's <c>external help file</c>: the MAML file the page belongs in.</param>
/// <param name="ModuleName">The front matter's <c>Module Name</c>.</param>
/// <param name="OnlineVersion">The front matter's <c>online version</c> (a URI), or null when empty.</param>
/// <param name="Synopsis">The one-paragraph summary (<c>## SYNOPSIS</c>).</param>
/// <param name="Description">The description's paragraphs (<c>## DESCRIPTION</c>).</param>
/// <param name="ParameterSets">The parameter sets named in <c>## SYNTAX</c>, in order; a page with one unnamed syntax block has the single set <c>__AllParameterSets</c>.</param>
/// <param name="Examples">The examples (<c>## EXAMPLES</c>), at least one.</param>
/// <param name="Parameters">The parameters (<c>## PARAMETERS</c>, one <c>### -Name</c> each), in page order.</param>
/// <param name="SupportsCommonParameters">Whether the page has a <c>### CommonParameters</c> section.</param>
/// <param name="Inputs">The pipeline input types (<c>## INPUTS</c>).</param>
/// <param name="Outputs">The output types (<c>## OUTPUTS</c>).</param>
/// <param name="Notes">The notes' paragraphs (<c>## NOTES</c>), possibly none.</param>
/// <param name="RelatedLinks">The related links (<c>## RELATED LINKS</c>), possibly none.</param>
public sealed record CommandHelp(
    string Name,
    string ExternalHelpFile,
    string ModuleName,
    string? OnlineVersion,
    string Synopsis,
    IReadOnlyList<string> Description,
    IReadOnlyList<string> ParameterSets,
    IReadOnlyList<ExampleHelp> Examples,
    IReadOnlyList<ParameterHelp> Parameters,
    bool SupportsCommonParameters,
    IReadOnlyList<TypeHelp> Inputs,
    IReadOnlyList<TypeHelp> Outputs,
    IReadOnlyList<string> Notes,
    IReadOnlyList<LinkHelp> RelatedLinks)
{
    /// <summary>The set name platyPS uses when a cmdlet has a single, unnamed parameter set.</summary>
    public const string AllParameterSets = "__AllParameterSets";

    /// <summary>The verb: the part of <see cref="Name"/> before the first dash.</summary>
    public string Verb => Name.Split('-', 2)[0];

    /// <summary>The noun: the part of <see cref="Name"/> after the first dash.</summary>
    public string Noun => Name.Split('-', 2) is [_, var noun] ? noun : "";
}
