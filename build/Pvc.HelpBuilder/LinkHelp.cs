namespace Pvc.HelpBuilder;

/// <summary>A related link: its text, and its URI when it is absolute (links to other pages have none).</summary>
/// <param name="Text">The link's text.</param>
/// <param name="Uri">An absolute URI, or null.</param>
public sealed record LinkHelp(string Text, string? Uri);
