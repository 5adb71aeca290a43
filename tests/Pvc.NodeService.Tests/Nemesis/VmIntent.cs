namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>What the clients last asked of a VM, as far as the cluster confirmed it.</summary>
internal enum VmIntent
{
    /// <summary>A start was written (or nothing was asked: every VM starts running): it must run once faults heal.</summary>
    Run,

    /// <summary>A stop was written: it must run nowhere once faults heal.</summary>
    Stopped,

    /// <summary>A start or stop whose write may or may not have happened (the connection broke during it): either, consistently.</summary>
    Either,
}
