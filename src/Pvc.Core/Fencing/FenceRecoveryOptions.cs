using Pvc.Core.Vms;

namespace Pvc.Core.Fencing;

/// <summary>How <see cref="FencedNodeRecovery"/> treats a dead node.</summary>
public sealed record FenceRecoveryOptions
{
    /// <summary>The node's BMC confirmed it off: its daemon state becomes "fenced" (else it stays "dead").</summary>
    public bool Fenced { get; init; }

    /// <summary>Start its VMs elsewhere (PVC's "migrate" action); false leaves them assigned to it.</summary>
    public bool RecoverVms { get; init; } = true;

    /// <summary>
    /// Runs for each VM about to start elsewhere, before anything is written: the storage layer's lock flush
    /// (PVC force-unlocks the VM's RBD volumes here) plugs in; an exception stops the recovery unwritten.
    /// </summary>
    public Func<Vm, CancellationToken, Task>? BeforeRecovery { get; init; }
}
