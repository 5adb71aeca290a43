namespace Pvc.Core.Health;

/// <summary>A node's health as PVC's health daemon computes it from its plugins.</summary>
public static class NodeHealth
{
    /// <summary>100 minus the plugins' health deltas, never below 0 (nor above 100, should a delta be negative).</summary>
    public static int Compute(IEnumerable<int> pluginDeltas)
    {
        ArgumentNullException.ThrowIfNull(pluginDeltas);
        return (int)Math.Clamp(100L - pluginDeltas.Sum(d => (long)d), 0L, 100L);
    }
}
