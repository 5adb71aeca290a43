using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pvc.Core.Errors;

namespace Pvc.Core.Placement;

/// <summary>
/// A placement rule between VMs: keep them apart or keep them together, hard (a placement that breaks it is refused)
/// or soft (a preference: broken only when nothing else fits). Its VMs are kept by UUID, so a rename does not break it;
/// a UUID may name a VM not defined yet (a rule made before the VM's define).
/// </summary>
/// <param name="Name">Its name, unique in the cluster.</param>
/// <param name="Kind">Apart or together.</param>
/// <param name="Hard">True for a hard rule.</param>
/// <param name="Vms">Its VMs' UUIDs (two or more).</param>
public sealed partial record PlacementRule(string Name, PlacementRuleKind Kind, bool Hard, IReadOnlyList<Guid> Vms)
{
    /// <summary>Its VMs' names as read with it, in the order of <see cref="Vms"/> (a UUID not defined shows as itself).</summary>
    public IReadOnlyList<string> VmNames { get; init; } = [];

    /// <summary>"hard" or "soft".</summary>
    public string Enforcement => Hard ? "hard" : "soft";

    /// <summary>The rule in words, for messages and -WhatIf.</summary>
    public override string ToString() =>
        $"{Name} ({Enforcement} {(Kind == PlacementRuleKind.KeepApart ? "keep-apart" : "keep-together")}: {string.Join(", ", VmNames.Count == Vms.Count ? VmNames : Vms.Select(v => v.ToString()))})";

    /// <summary>The rule of names: a letter or digit, then letters, digits, '.', '_' or '-', 64 characters at most.</summary>
    public const string NameRule = "a letter or digit, then letters, digits, '.', '_' or '-', 64 characters at most";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    /// <summary>Refuses a name that is not a rule name.</summary>
    /// <exception cref="PvcException">InvalidArgument, "InvalidPlacementRuleName".</exception>
    public static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name) || !NamePattern().IsMatch(name))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidPlacementRuleName, $"'{name}' is not a placement rule name ({NameRule}).") { Target = name };
    }

    internal string Encode() => new JsonObject
    {
        ["kind"] = Kind == PlacementRuleKind.KeepApart ? "keep-apart" : "keep-together",
        ["hard"] = Hard,
        ["vms"] = new JsonArray([.. Vms.Select(v => (JsonNode)v.ToString())]),
    }.ToJsonString();

    /// <summary>A stored record, or null when it cannot be read (a newer Pvc's, or damaged: it then constrains nothing).</summary>
    internal static PlacementRule? Decode(string name, string? text)
    {
        if (text is null)
            return null;
        try
        {
            var json = JsonNode.Parse(text) as JsonObject;
            var kind = json?["kind"]?.GetValue<string>() switch { "keep-apart" => PlacementRuleKind.KeepApart, "keep-together" => PlacementRuleKind.KeepTogether, _ => (PlacementRuleKind?)null };
            if (json is null || kind is null || json["vms"] is not JsonArray vms)
                return null;
            var uuids = vms.Select(v => Guid.TryParse(v?.GetValue<string>(), out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).Distinct().ToList();
            return new PlacementRule(name, kind.Value, json["hard"]?.GetValue<bool>() ?? false, uuids);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
