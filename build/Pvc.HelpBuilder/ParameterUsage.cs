namespace Pvc.HelpBuilder;

/// <summary>A parameter's metadata, from one of its yaml blocks.</summary>
/// <param name="Type">The type as written, e.g. <c>String[]</c> or <c>SwitchParameter</c>.</param>
/// <param name="ParameterSets">The parameter sets this block applies to; empty for <c>(All)</c>.</param>
/// <param name="Aliases">The aliases; empty for <c>None</c>.</param>
/// <param name="Required">Whether the parameter is mandatory in these sets.</param>
/// <param name="Position">The position (a number as text), or <c>Named</c>.</param>
/// <param name="DefaultValue">The default value as written (<c>None</c> when there is none).</param>
/// <param name="PipelineInput">How it binds from the pipeline, e.g. <c>False</c> or <c>True (ByValue)</c>.</param>
/// <param name="AcceptsWildcards">Whether it accepts wildcard characters.</param>
/// <param name="AcceptedValues">The values it accepts (<c>Accepted values</c>, from a ValidateSet or an enum); empty when any.</param>
public sealed record ParameterUsage(
    string Type,
    IReadOnlyList<string> ParameterSets,
    IReadOnlyList<string> Aliases,
    bool Required,
    string Position,
    string DefaultValue,
    string PipelineInput,
    bool AcceptsWildcards,
    IReadOnlyList<string> AcceptedValues)
{
    /// <summary>Whether this block applies in every parameter set.</summary>
    public bool InAllSets => ParameterSets.Count == 0;

    /// <summary>Whether the parameter is a switch (it takes no value).</summary>
    public bool IsSwitch => Type.Equals("SwitchParameter", StringComparison.OrdinalIgnoreCase);

    /// <summary>The position as a number, or null when the parameter is named only.</summary>
    public int? PositionNumber => int.TryParse(Position, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) ? p : null;
}
