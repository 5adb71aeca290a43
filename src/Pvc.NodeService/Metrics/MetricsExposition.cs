using System.Globalization;
using System.Text;
using Pvc.Core.Metrics;

namespace Pvc.NodeService.Metrics;

/// <summary>
/// Writes Core's metric families in Prometheus's text format (0.0.4): HELP, TYPE gauge, one line a sample, label values
/// and help escaped as the format asks. Written directly rather than through prometheus-net's metric objects: the cluster
/// metrics are a new snapshot each read of the cluster (a VM that is gone must be gone from the next; <see cref="ClusterMetricsCache"/>), and building 30,000 gauge
/// children a scrape in prometheus-net took 5-10 times longer than the 100 ms budget for 1,000 VMs allows (bench/RESULTS.md).
/// prometheus-net still serves the process's own metrics.
/// </summary>
public static class MetricsExposition
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes <paramref name="families"/> to <paramref name="output"/>; a family without samples is left out.</summary>
    public static async Task WriteAsync(Stream output, IEnumerable<MetricFamily> families, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(families);
        var writer = new StreamWriter(output, Utf8, bufferSize: 65536, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            var line = new StringBuilder(256);
            foreach (var family in families)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // a family without samples (a one-node cluster's n-1 figures) is left out rather than written as 0
                if (family.Samples.Count == 0)
                    continue;
                line.Clear().Append("# HELP ").Append(family.Name).Append(' ');
                Escape(line, family.Help, quote: false);
                line.Append("\n# TYPE ").Append(family.Name).Append(" gauge\n");
                writer.Write(line);
                foreach (var sample in family.Samples)
                {
                    line.Clear().Append(family.Name);
                    if (family.LabelNames.Length > 0)
                    {
                        line.Append('{');
                        for (var i = 0; i < family.LabelNames.Length; i++)
                        {
                            if (i > 0)
                                line.Append(',');
                            line.Append(family.LabelNames[i]).Append("=\"");
                            Escape(line, i < sample.LabelValues.Length ? sample.LabelValues[i] : "", quote: true);
                            line.Append('"');
                        }
                        line.Append('}');
                    }
                    line.Append(' ').Append(Value(sample.Value)).Append('\n');
                    writer.Write(line);
                }
            }
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Value(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf"
        : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The format's escapes: backslash and newline everywhere, the double quote in label values.</summary>
    private static void Escape(StringBuilder line, string text, bool quote)
    {
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\': line.Append(@"\\"); break;
                case '\n': line.Append(@"\n"); break;
                case '"' when quote: line.Append("\\\""); break;
                default: line.Append(c); break;
            }
        }
    }
}
