using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Pvc.Core.Connection;
using Pvc.Core.Metrics;

namespace Pvc.NodeService.Metrics;

/// <summary>
/// The zookeeper part of PVC's metrics, read with ZooKeeper's <c>mntr</c> command from every server of the node's
/// connection string. PVC proxies the primary's ZooKeeper Prometheus provider (port 9141), which Debian's ZooKeeper
/// does not ship; <c>mntr</c> reports the same metrics (its keys are the provider's names with <c>zk_</c> before them),
/// needs nothing installed, and covers the whole ensemble: each series carries a <c>server</c> label.
/// </summary>
internal static partial class ZooKeeperMntr
{
    private const int MaxAnswer = 1 << 20;

    /// <summary>
    /// The numeric <c>mntr</c> values of every server, a family per key; a server that does not answer within
    /// <paramref name="timeout"/> (or does not allow <c>mntr</c>: <c>4lw.commands.whitelist</c>) adds no series.
    /// </summary>
    public static async Task<IReadOnlyList<MetricFamily>> ReadAsync(IReadOnlyList<DnsEndPoint> servers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var answers = await Task.WhenAll(servers.Select(h => AskAsync(h, timeout, cancellationToken))).ConfigureAwait(false);
        var families = new SortedDictionary<string, List<MetricSample>>(StringComparer.Ordinal);
        foreach (var (server, text) in servers.Zip(answers))
            foreach (var (name, value) in Parse(text))
            {
                if (!families.TryGetValue(name, out var samples))
                    families[name] = samples = [];
                samples.Add(new MetricSample([ZooKeeperServers.Format(server)], value));
            }
        return [.. families.Select(f => new MetricFamily(f.Key, $"ZooKeeper mntr {f.Key}", MetricPart.ZooKeeper, ["server"], f.Value))];
    }

    /// <summary>
    /// The numeric lines of an <c>mntr</c> answer (<c>zk_name\tvalue</c>) as (name without <c>zk_</c>, value); text
    /// values (version, server state) and anything that is not a metric name are left out, so nothing the server sends
    /// can break the exposition format.
    /// </summary>
    internal static IEnumerable<(string Name, double Value)> Parse(string? text)
    {
        if (text is null)
            yield break;
        foreach (var line in text.Split('\n'))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0)
                continue;
            var key = line[..tab];
            if (MetricKey().IsMatch(key) && double.TryParse(line[(tab + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                yield return (key[3..], value);
        }
    }

    private static async Task<string?> AskAsync(DnsEndPoint server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(server.Host, server.Port, deadline.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("mntr"u8.ToArray(), deadline.Token).ConfigureAwait(false);
            // the server answers and closes the connection
            using var answer = new MemoryStream();
            var buffer = new byte[8192];
            int read;
            while ((read = await stream.ReadAsync(buffer, deadline.Token).ConfigureAwait(false)) > 0 && answer.Length < MaxAnswer)
                answer.Write(buffer, 0, read);
            return Encoding.UTF8.GetString(answer.GetBuffer(), 0, (int)answer.Length);
        }
        catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    [GeneratedRegex("^zk_[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex MetricKey();
}
