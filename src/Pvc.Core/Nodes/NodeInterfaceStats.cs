using System.Text.Json;
using Pvc.Core.Schema;

namespace Pvc.Core.Nodes;

/// <summary>
/// A physical interface's traffic over the node's last keepalive interval, as PVC keeps it in
/// <c>/nodes/&lt;node&gt;/network_stats</c> (<see cref="ParseAll"/> reads the document, <see cref="EncodeAll"/> writes it).
/// </summary>
/// <param name="Name">The interface (eno1).</param>
/// <param name="ReceiveBitsPerSecond"><c>rx_bps</c>.</param>
/// <param name="ReceivePacketsPerSecond"><c>rx_pps</c>.</param>
/// <param name="SendBitsPerSecond"><c>tx_bps</c>.</param>
/// <param name="SendPacketsPerSecond"><c>tx_pps</c>.</param>
/// <param name="LinkSpeedBitsPerSecond"><c>link_speed</c> (0 when the link has none, as a virtual one).</param>
/// <param name="State"><c>state</c>: the kernel's operstate (up, down, ...).</param>
public sealed record NodeInterfaceStats(string Name, long ReceiveBitsPerSecond, long ReceivePacketsPerSecond, long SendBitsPerSecond, long SendPacketsPerSecond,
    long LinkSpeedBitsPerSecond, string State)
{
    /// <summary><c>total_bps</c>.</summary>
    public long TotalBitsPerSecond => ReceiveBitsPerSecond + SendBitsPerSecond;

    /// <summary><c>total_pps</c>.</summary>
    public long TotalPacketsPerSecond => ReceivePacketsPerSecond + SendPacketsPerSecond;

    /// <summary>Reads the document (interfaces by name); none for "", "{}" or anything unreadable.</summary>
    public static IReadOnlyList<NodeInterfaceStats> ParseAll(string? json)
    {
        if (PvcJson.ParseObject(json) is not { } root)
            return [];
        return [.. root.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object).Select(p => new NodeInterfaceStats(p.Name,
            PvcJson.Long(p.Value, "rx_bps") ?? 0, PvcJson.Long(p.Value, "rx_pps") ?? 0, PvcJson.Long(p.Value, "tx_bps") ?? 0, PvcJson.Long(p.Value, "tx_pps") ?? 0,
            PvcJson.Long(p.Value, "link_speed") ?? 0, PvcJson.Text(p.Value, "state") ?? "unknown")).OrderBy(i => i.Name, StringComparer.Ordinal)];
    }

    /// <summary>The document as PVC's netstats writes it.</summary>
    public static string EncodeAll(IEnumerable<NodeInterfaceStats> interfaces)
    {
        ArgumentNullException.ThrowIfNull(interfaces);
        var document = new PvcJsonWriter();
        foreach (var i in interfaces)
            document.Add(i.Name, new PvcJsonWriter().Add("rx_bps", i.ReceiveBitsPerSecond).Add("rx_pps", i.ReceivePacketsPerSecond)
                .Add("tx_bps", i.SendBitsPerSecond).Add("tx_pps", i.SendPacketsPerSecond).Add("total_bps", i.TotalBitsPerSecond)
                .Add("total_pps", i.TotalPacketsPerSecond).Add("link_speed", i.LinkSpeedBitsPerSecond).Add("state", i.State));
        return document.ToString();
    }
}
