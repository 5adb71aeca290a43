namespace Pvc.NodeService.Fencing;

/// <summary>How a fence ended.</summary>
internal enum FenceOutcome
{
    /// <summary>The node wrote its state again before its BMC was used: nothing was done to it.</summary>
    CameBack,

    /// <summary>The BMC confirmed it off; its VMs were recovered as successful_fence says.</summary>
    Fenced,

    /// <summary>The BMC did not confirm it off; its VMs stay assigned to it.</summary>
    Failed,

    /// <summary>The BMC failed, but failed_fence "migrate" with self-fencing moved its VMs once it must have stopped them.</summary>
    RecoveredWithoutFence,
}
