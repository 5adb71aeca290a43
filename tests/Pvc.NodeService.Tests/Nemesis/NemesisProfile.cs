namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>The fencing settings a schedule runs the cluster with (the fencing suite's: keepalive 1 s, 3 intervals, 2 saving throws).</summary>
internal enum NemesisProfile
{
    /// <summary>Fencing through the BMC only (PVC's defaults otherwise: failed_fence none, no self-fencing).</summary>
    Bmc,

    /// <summary>Self-fencing on (suicide_intervals 3) with failed_fence "migrate": VMs move without a BMC once the node must have stopped them.</summary>
    SelfFence,
}
