using Pvc.Core.Vms;

namespace Pvc.Core.Fencing;

/// <summary>Where a dead node's VM went: started on <paramref name="Target"/>, or stopped with autostart when no node fits.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="Target">The node it now starts on; null when it was stopped.</param>
/// <param name="Reason">When stopped, why no node qualified.</param>
public sealed record RecoveredVm(VmRef Vm, string? Target, string? Reason)
{
    /// <summary>The hard placement rules it was started against (no node met them); empty when none.</summary>
    public IReadOnlyList<string> BrokenRules { get; init; } = [];
}
