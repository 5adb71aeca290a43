namespace Pvc.Core.Metrics;

/// <summary>One series of a metric family: its label values (in the family's label order) and its value.</summary>
/// <param name="LabelValues">The values of the family's labels, in <see cref="MetricFamily.LabelNames"/> order.</param>
/// <param name="Value">The sample's value.</param>
public readonly record struct MetricSample(string[] LabelValues, double Value);
