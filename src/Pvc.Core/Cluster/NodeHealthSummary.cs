namespace Pvc.Core.Cluster;

/// <summary>One node's health, as <c>pvc cluster status</c> lists it (PVC's <c>node_health</c>).</summary>
/// <param name="Node">The node.</param>
/// <param name="Health">Its health in percent; null when it has not reported one.</param>
/// <param name="Messages">Each health plugin that takes health off: "'plugin': message".</param>
public sealed record NodeHealthSummary(string Node, int? Health, IReadOnlyList<string> Messages);
