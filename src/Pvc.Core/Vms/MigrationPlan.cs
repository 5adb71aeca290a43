using Pvc.Core.Schema;
using Pvc.Core.Reading;

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

    /// <summary>
    /// True when the VM stays stopped with autostart set, to be started when its new node is run/ready (a shutdown
    /// hand-over to a node that is not ready yet, such as a node being unflushed).
    /// </summary>
    public bool StartsWhenNodeReady { get; internal init; }

    /// <summary>True once committed (<see cref="VmOperations.MigrateAsync(MigrationPlan, CancellationToken)"/>).</summary>
    public bool IsCommitted { get; internal init; }

    /// <summary>The keys (with their versions) the plan was worked out from; the commit checks them. Null once committed.</summary>
    internal VersionedKeys? Basis { get; init; }

    /// <summary>The method imposed on the migration (<see cref="MigrationRequest.ImposedMethod"/>), or null.</summary>
    internal Schema.MigrationMethod? ImposedMethod { get; init; }

    /// <summary>The VM's state read with a watch when the plan was committed, for the wait that follows.</summary>
    internal VmStateWatch? Watch { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Vm.Name}: {From ?? "no node"} -> {To}{(NodeActs ? $" ({State.ToString().ToLowerInvariant()})" : "")}";
}
