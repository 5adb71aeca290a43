namespace Pvc.Core.Nodes;

/// <summary>A node's state as read, with the key's version (a write based on this read checks it).</summary>
/// <typeparam name="T">The state's type (daemon, domain or coordinator state).</typeparam>
/// <param name="State">The state; the enum's Unknown when the node or key is missing.</param>
/// <param name="Version">The key's version; -1 when the node or key is missing.</param>
public readonly record struct NodeStateRead<T>(T State, int Version) where T : struct, Enum
{
    /// <summary>True when the key exists.</summary>
    public bool Exists => Version >= 0;
}
