using Pvc.Core.Schema;

namespace Pvc.Core.Cluster;

/// <summary>What a schema validation found.</summary>
/// <param name="Version">The cluster's schema version (always <see cref="SchemaVersion.Current"/>: other versions are refused).</param>
/// <param name="ElementsChecked">How many elements of each kind were checked (base counts as one).</param>
/// <param name="Problems">Every problem, base keys first, then by element kind and element, keys parents first.</param>
public sealed record SchemaReport(int Version, IReadOnlyDictionary<string, int> ElementsChecked, IReadOnlyList<SchemaProblem> Problems)
{
    /// <summary>True when nothing is missing nor wrong.</summary>
    public bool IsValid => Problems.Count == 0;
}
