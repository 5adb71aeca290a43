namespace Pvc.Core.Cluster;

/// <summary>How many OSDs are in one (up, in) pair, e.g. 6 OSDs up,in.</summary>
/// <param name="Up">Whether they are up; null for OSDs whose stats say nothing yet.</param>
/// <param name="In">Whether they are in; null for OSDs whose stats say nothing yet.</param>
/// <param name="Count">How many OSDs.</param>
public sealed record OsdStateCount(bool? Up, bool? In, int Count)
{
    /// <summary>PVC's words: "up,in", "down,out", "unknown,unknown".</summary>
    public override string ToString() => $"{(Up is { } u ? (u ? "up" : "down") : "unknown")},{(In is { } i ? (i ? "in" : "out") : "unknown")}";
}
