namespace Pvc.NodeService.Fencing;

/// <summary>How a fence through the BMC went.</summary>
/// <param name="PoweredOff">The BMC confirmed the chassis off: the node runs nothing any more.</param>
/// <param name="Detail">What happened, for the log and the fault message.</param>
internal sealed record BmcFenceResult(bool PoweredOff, string Detail);
