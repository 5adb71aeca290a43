using System.Globalization;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>One client operation of a schedule.</summary>
/// <param name="At">When it is issued (from the start of the faults; later if the client is still busy).</param>
/// <param name="Kind">What.</param>
/// <param name="Vm">The VM, for VM operations.</param>
/// <param name="Node">The target node of a migration or move, or the node flushed or readied.</param>
internal sealed record ScheduledOp(TimeSpan At, ClientOpKind Kind, string? Vm, string? Node)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"+{At.TotalSeconds:0.0} s client {Kind}{(Vm is null ? "" : $" {Vm}")}{(Node is null ? "" : Vm is null ? $" {Node}" : $" -> {Node}")}");
}
