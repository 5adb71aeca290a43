using System.Text.RegularExpressions;
using Pvc.Core.Errors;

namespace Pvc.Core.Nodes;

/// <summary>
/// The rule for a node's name. It is a host name (PVC takes the short host name), a znode under <c>/nodes</c>, part of
/// fault ids and the host of migration URIs: a name with a '/' would register inside another node's keys.
/// </summary>
public static partial class NodeName
{
    /// <summary>What a node name may be, for messages.</summary>
    public const string Rule = "1 to 63 letters, digits, '-', '_' or '.', beginning and ending with a letter or digit";

    /// <summary>True when the name follows the rule.</summary>
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name) && !name.Contains("..", StringComparison.Ordinal);

    /// <summary>Throws "InvalidNodeName" when the name does not follow the rule.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidNodeName".</exception>
    public static void Validate(string? name)
    {
        if (!IsValid(name))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidNodeName, $"'{Printable(name)}' is not a node name: a node name is a host name, {Rule}.") { Target = name };
    }

    private static string Printable(string? s) => string.Concat((s ?? "").Select(c => char.IsControl(c) ? '?' : c));

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
