namespace Pvc.Core.Metrics;

/// <summary>A Prometheus gauge family as PVC exports it: name, help text, label names and the samples of one scrape.</summary>
/// <param name="Name">The metric name (e.g. <c>pvc_vm_state</c>).</param>
/// <param name="Help">The help text.</param>
/// <param name="Part">The endpoint part it belongs to.</param>
/// <param name="LabelNames">The label names every sample carries, in order.</param>
/// <param name="Samples">The samples; may be empty.</param>
public sealed record MetricFamily(string Name, string Help, MetricPart Part, string[] LabelNames, IReadOnlyList<MetricSample> Samples);
