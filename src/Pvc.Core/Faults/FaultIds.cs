using System.Globalization;

namespace Pvc.Core.Faults;

/// <summary>The ids of the faults Pvc raises, in PVC's uppercase form, with the health delta each takes.</summary>
public static class FaultIds
{
    /// <summary>PVC's dead_or_fenced_node delta.</summary>
    public const int DeadNodeDelta = 50;

    /// <summary>A failed fence leaves a node's VMs nowhere to run: as serious as a dead node.</summary>
    public const int FenceFailedDelta = 50;

    /// <summary><c>DEAD_NODE_&lt;NODE&gt;</c>: a node's keepalive went stale (PVC's id).</summary>
    public static string DeadNode(string node) => $"DEAD_NODE_{Upper(node)}";

    /// <summary><c>FENCE_FAILED_&lt;NODE&gt;</c>: a dead node's BMC did not confirm power off, so its VMs were left where they were.</summary>
    public static string FenceFailed(string node) => $"FENCE_FAILED_{Upper(node)}";

    private static string Upper(string node) => node.ToUpper(CultureInfo.InvariantCulture);
}
