using Pvc.Core.Schema;

namespace Pvc.Core.Vms;

/// <summary>A VM's state and nodes as read together, with the state's version (a write based on this read checks it).</summary>
/// <param name="State">Its state.</param>
/// <param name="StateVersion">The version of the state key as read; -1 when there is none.</param>
/// <param name="Node">The node it is to run on, or null.</param>
/// <param name="LastNode">Its last node, or null.</param>
public sealed record VmPlacement(VmState State, int StateVersion, string? Node, string? LastNode)
{
    /// <summary>True while a migration is asked for (the node key names the receiver, the sender may still run it).</summary>
    public bool IsMigrating => State is VmState.Migrate or VmState.MigrateLive;
}
