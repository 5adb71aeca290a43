namespace Pvc.NodeService.Fencing;

/// <summary>How a power request through the BMC went (a fence's power-off, or the power-on after it).</summary>
/// <param name="Done">The BMC confirmed the chassis in the state asked for: off (the node runs nothing any more), or on.</param>
/// <param name="Detail">What happened, for the log and the fault message.</param>
internal sealed record BmcFenceResult(bool Done, string Detail);
