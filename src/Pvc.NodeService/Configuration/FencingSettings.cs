namespace Pvc.NodeService.Configuration;

/// <summary>PVC's <c>fencing</c> section: when a node counts as dead, how it is fenced and what happens to its VMs.</summary>
public sealed record FencingSettings
{
    /// <summary><c>fencing.intervals.fence_intervals</c>: keepalive intervals without a keepalive before a node is dead, default 6.</summary>
    public int FenceIntervals { get; init; } = 6;

    /// <summary>
    /// <c>fencing.intervals.saving_throws</c> (Pvc's; PVC has a fixed 6): keepalive intervals a dead node has to come
    /// back before its BMC is used.
    /// </summary>
    public int SavingThrows { get; init; } = 6;

    /// <summary>
    /// <c>fencing.intervals.suicide_intervals</c>: keepalive intervals without reaching ZooKeeper after which this node
    /// stops its own VMs; 0 (the default, as PVC) never. PVC's parser reads the key as <c>suicide_interval</c>, so
    /// both spellings are read.
    /// </summary>
    public int SuicideIntervals { get; init; }

    /// <summary>
    /// <c>fencing.ipmi.cipher_suite</c> (Pvc's): the RMCP+ cipher suite ipmitool asks the BMCs for, default 3 (without
    /// one, ipmitool spends seconds a call trying others); null ("auto") lets ipmitool choose, as PVC does.
    /// </summary>
    public int? IpmiCipherSuite { get; init; } = 3;

    /// <summary><c>fencing.actions.successful_fence</c>, default migrate.</summary>
    public FenceAction SuccessfulFence { get; init; } = FenceAction.Migrate;

    /// <summary>
    /// <c>fencing.actions.failed_fence</c>, default none. Migrate takes effect only with self-fencing on
    /// (<see cref="SuicideIntervals"/> above 0), and only once the node must have stopped its VMs itself.
    /// </summary>
    public FenceAction FailedFence { get; init; } = FenceAction.None;
}
