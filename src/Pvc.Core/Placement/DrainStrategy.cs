namespace Pvc.Core.Placement;

/// <summary>
/// What a flush of its node (Suspend-PvcNode) does with a running VM. PVC has no such setting: its flush migrates every
/// VM (live where the VM's migration method allows), which is <see cref="Live"/>. Stored under
/// <see cref="PlacementRuleKeys.Drain"/>, beside PVC's schema; a VM with no record there is <see cref="Live"/>.
/// </summary>
public enum DrainStrategy
{
    /// <summary>Migrate it to another node, live where its migration method allows, as PVC's flush does (the default).</summary>
    Live,

    /// <summary>Shut it down and start it on the target node (a migration by shutdown, whatever its migration method).</summary>
    Restart,

    /// <summary>
    /// Shut it down and leave it stopped on its node, with autostart set, as PVC's flush leaves a VM no node can take:
    /// it stays stopped while the node is drained, and the node's unflush (Resume-PvcNode) starts it again there.
    /// </summary>
    Stop,
}
