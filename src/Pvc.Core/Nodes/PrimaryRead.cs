namespace Pvc.Core.Nodes;

/// <summary><c>/config/primary_node</c> as read: the node named primary (null for PVC's "none"), with the key's version.</summary>
/// <param name="Name">The primary coordinator named, or null when none is (an election is due).</param>
/// <param name="Version">The key's version (a claim checks it).</param>
public readonly record struct PrimaryRead(string? Name, int Version);
