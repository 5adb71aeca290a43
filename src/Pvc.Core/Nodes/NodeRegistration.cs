using Pvc.Core.Schema;

namespace Pvc.Core.Nodes;

/// <summary>What a node service writes about its node when it starts (PVC's setup_node).</summary>
/// <param name="Mode">Coordinator or hypervisor.</param>
/// <param name="StaticData">PVC's static data: CPU count, kernel, OS, architecture.</param>
/// <param name="PvcVersion">The service's version string.</param>
/// <param name="IpmiHostname">The node's BMC address, or null.</param>
/// <param name="IpmiUsername">The BMC user, or null.</param>
/// <param name="IpmiPassword">The BMC password, or null (never logged).</param>
public sealed record NodeRegistration(NodeMode Mode, IReadOnlyList<string> StaticData, string PvcVersion, string? IpmiHostname, string? IpmiUsername, string? IpmiPassword)
{
    /// <inheritdoc />
    public override string ToString() => $"NodeRegistration {{ Mode = {Mode}, PvcVersion = {PvcVersion}, IpmiHostname = {IpmiHostname}, IpmiUsername = {IpmiUsername} }}";
}
