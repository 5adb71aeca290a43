namespace Pvc.HelpBuilder;

/// <summary>One example (<c>### Example N: title</c>): its code and the text that explains it.</summary>
/// <param name="Title">The heading's text, e.g. "Example 1: Connect to a cluster".</param>
/// <param name="Code">The example's code blocks, joined by blank lines.</param>
/// <param name="Remarks">The paragraphs after the code.</param>
public sealed record ExampleHelp(string Title, string Code, IReadOnlyList<string> Remarks);
