namespace Pvc.Core.Vms;

/// <summary>Where a flush would send one VM.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="Target">The node it would go to; null when none qualifies (it would be shut down, autostart set) or its strategy is <see cref="Placement.DrainStrategy.Stop"/>.</param>
/// <param name="Reason">Why no node qualifies, when none does.</param>
public sealed record FlushPlanEntry(VmRef Vm, string? Target, string? Reason)
{
    /// <summary>The placement rules the VM is in, in words (<see cref="Placement.PlacementRule.ToString"/>); empty when none.</summary>
    public IReadOnlyList<string> Rules { get; init; } = [];

    /// <summary>What the flush does with it (<see cref="Placement.DrainStrategy"/>): migrate, restart on the target, or stop.</summary>
    public Placement.DrainStrategy Strategy { get; init; }
}
