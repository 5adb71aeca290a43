namespace Pvc.NodeService.Fencing;

/// <summary>
/// What the BMC of the node being fenced must answer as (<see cref="BmcIdentity"/>): the system GUID the node recorded
/// for itself (null when it recorded none), and the GUIDs the other nodes recorded, none of which it may be.
/// </summary>
/// <param name="Node">The node being fenced.</param>
/// <param name="Own">The node's recorded GUID, or null.</param>
/// <param name="Others">Every other node's recorded GUID, with the node's name.</param>
internal sealed record BmcExpectation(string Node, Guid? Own, IReadOnlyDictionary<Guid, string> Others)
{
    /// <summary>Why a BMC that answers as <paramref name="reached"/> must not be used to fence the node, or null.</summary>
    public string? Refusal(Guid? reached)
    {
        if (reached is { } guid && Others.TryGetValue(guid, out var other) && other != Node)
            return $"the BMC answers as node {other}'s (system GUID {BmcIdentity.Encode(guid)}), not as {Node}'s";
        if (Own is not { } own)
            return null; // nothing recorded: the address alone, as PVC
        if (reached is null)
            return $"the BMC did not report its system GUID, so it cannot be told to be {Node}'s (recorded {BmcIdentity.Encode(own)})";
        return reached == own ? null : $"the BMC answers as system {BmcIdentity.Encode(reached.Value)}, but {Node} recorded {BmcIdentity.Encode(own)}";
    }
}
