namespace Pvc.HelpBuilder;

/// <summary>An input or output type (<c>### TypeName</c> under INPUTS or OUTPUTS) and what it means.</summary>
/// <param name="Name">The type's name, or <c>None</c>.</param>
/// <param name="Description">The paragraphs under the heading.</param>
public sealed record TypeHelp(string Name, IReadOnlyList<string> Description);
