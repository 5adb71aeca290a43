using System.Globalization;

namespace Pvc.Bench;

/// <summary>One timed run: operations, wall time, each operation's latency, and the client process's CPU time.</summary>
internal sealed record Measurement(int Operations, double WallSeconds, double[] LatenciesMs, double CpuSeconds)
{
    public double OpsPerSecond => Operations / WallSeconds;

    public double Percentile(double p)
    {
        var sorted = LatenciesMs.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(p / 100 * sorted.Length))];
    }

    /// <summary>The run with the median throughput of several.</summary>
    public static Measurement Median(IReadOnlyList<Measurement> runs) => runs.OrderBy(r => r.OpsPerSecond).ElementAt(runs.Count / 2);

    public string Row(string client, string scenario) => string.Create(CultureInfo.InvariantCulture,
        $"| {scenario} | {client} | {Operations} | {WallSeconds * 1000:0.0} | {OpsPerSecond:0} | {Percentile(50):0.00} | {Percentile(99):0.00} | {CpuSeconds * 1e6 / Operations:0.0} |");
}
