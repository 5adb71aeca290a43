namespace Pvc.HelpBuilder;

/// <summary>One parameter (<c>### -Name</c>): its description and one or more yaml blocks of metadata.</summary>
/// <param name="Name">The name, without the dash.</param>
/// <param name="Description">The description's paragraphs.</param>
/// <param name="Usages">The yaml blocks: one per group of parameter sets in which the parameter behaves alike.</param>
public sealed record ParameterHelp(string Name, IReadOnlyList<string> Description, IReadOnlyList<ParameterUsage> Usages)
{
    /// <summary>The usage that applies in a parameter set, or null when the parameter is not in it.</summary>
    public ParameterUsage? UsageIn(string parameterSet) =>
        Usages.FirstOrDefault(u => u.InAllSets || u.ParameterSets.Contains(parameterSet, StringComparer.OrdinalIgnoreCase));
}
