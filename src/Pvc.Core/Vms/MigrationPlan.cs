using Pvc.Core.Schema;

namespace Pvc.Core.Vms;

/// <summary>What a placement change will write (also what -WhatIf shows).</summary>
/// <param name="Vm">The VM.</param>
/// <param name="From">Its node now.</param>
/// <param name="To">Its node after the change.</param>
/// <param name="State">Its state after the change (the current one unless it runs).</param>
/// <param name="LastNode">Its last node after the change (null: none).</param>
public sealed record MigrationPlan(VmRef Vm, string? From, string To, VmState State, string? LastNode)
{
    /// <summary>True when the node acts (the VM runs and moves); false when only the assignment changes.</summary>
    public bool NodeActs => State is VmState.Migrate or VmState.MigrateLive;
}
