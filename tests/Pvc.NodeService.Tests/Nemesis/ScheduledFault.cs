using System.Globalization;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>One fault of a schedule: when it begins (from the start of the faults), what, on which target, for how long.</summary>
/// <param name="At">When it begins.</param>
/// <param name="Kind">What.</param>
/// <param name="Target">A node (hv1...), or a ZooKeeper member (zk1...), or "zookeeper" for all of it.</param>
/// <param name="Duration">How long until it is healed (for a libvirtd restart: how long libvirtd is down).</param>
/// <param name="Variant">For <see cref="FaultKind.ReceiverKill"/>: 0 kills the receiver once it announced itself, 1 once the sender handed the VM over.</param>
internal sealed record ScheduledFault(TimeSpan At, FaultKind Kind, string Target, TimeSpan Duration, int Variant = 0)
{
    /// <summary>When it is healed.</summary>
    public TimeSpan Ends => At + Duration;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"+{At.TotalSeconds:0.0} s {Kind} {Target} for {Duration.TotalSeconds:0.0} s{(Kind == FaultKind.ReceiverKill ? Variant == 0 ? " (once announced)" : " (once handed over)" : "")}");
}
