namespace Pvc.Core.Vms;

/// <summary>When a change of a VM's definition reaches the guest.</summary>
public enum VmChangeEffect
{
    /// <summary>The VM does not run: it starts with the new definition.</summary>
    NextStart,

    /// <summary>The VM runs and is being restarted (state "restart") to take the new definition.</summary>
    Restarting,

    /// <summary>The VM runs with its old definition until it is restarted (<c>Restart-PvcVm</c>, or the change again with -Restart).</summary>
    PendingRestart,

    /// <summary>The VM runs and its node has made the change on it (a hot-plug, a balloon): the guest has it now.</summary>
    Live,
}
