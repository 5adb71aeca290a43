using Prometheus;
using Pvc.Core.Metrics;

namespace Pvc.NodeService.Metrics;

/// <summary>
/// Writes Core's metric families in Prometheus's text format through prometheus-net: a fresh registry per scrape, so a
/// VM or node that is gone is gone from the next scrape (no stale series), and the library does the escaping and format.
/// </summary>
public static class MetricsExposition
{
    /// <summary>Writes <paramref name="families"/> to <paramref name="output"/> (text format 0.0.4).</summary>
    public static async Task WriteAsync(Stream output, IEnumerable<MetricFamily> families, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(families);
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        foreach (var family in families)
        {
            // a family without samples (a one-node cluster's n-1 figures) is left out rather than written as 0
            if (family.Samples.Count == 0)
                continue;
            var gauge = factory.CreateGauge(family.Name, family.Help, family.LabelNames);
            if (family.LabelNames.Length == 0)
                gauge.Set(family.Samples[0].Value);
            else
                foreach (var sample in family.Samples)
                    gauge.WithLabels(sample.LabelValues).Set(sample.Value);
        }
        await registry.CollectAndExportAsTextAsync(output, cancellationToken).ConfigureAwait(false);
    }
}
