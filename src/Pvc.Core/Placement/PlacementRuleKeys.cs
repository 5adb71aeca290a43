namespace Pvc.Core.Placement;

/// <summary>
/// Where placement rules live: under <c>/placement</c>, a root key beside PVC's schema v15 keys, as <c>/tasks</c> is
/// (PVC's readers and its schema validation look only at the keys they know, so they are unaffected).
/// <c>/placement/rules/&lt;name&gt;</c> holds one rule's record (JSON).
/// </summary>
public static class PlacementRuleKeys
{
    /// <summary>The root.</summary>
    public const string Root = "/placement";

    /// <summary>The rules, by name.</summary>
    public const string Rules = "/placement/rules";

    /// <summary>A rule's record.</summary>
    public static string Rule(string name) => $"{Rules}/{name}";
}
