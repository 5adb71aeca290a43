namespace Pvc.HelpBuilder;

/// <summary>One parameter set's syntax code block in <c>## SYNTAX</c>.</summary>
/// <param name="ParameterSet">The set's name (<see cref="CommandHelp.AllParameterSets"/> for a page with one unnamed set).</param>
/// <param name="Heading">The heading it is under, for errors.</param>
/// <param name="Line">The block's line, for errors.</param>
/// <param name="Code">The syntax text.</param>
public sealed record SyntaxBlock(string ParameterSet, string Heading, int Line, string Code);
