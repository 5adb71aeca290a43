using System.Globalization;
using System.Net;

namespace Pvc.NodeService.Networks;

/// <summary>One A or AAAA record of a managed network's zone, as PowerDNS's <c>records</c> table holds it (the name without a trailing dot, lower case).</summary>
/// <param name="Name">The owner name, e.g. <c>web1.clients.example</c>.</param>
/// <param name="Type">A or AAAA.</param>
/// <param name="Content">The address.</param>
/// <param name="Ttl">The time to live, in seconds.</param>
internal sealed record ZoneRecord(string Name, string Type, string Content, int Ttl)
{
    /// <summary>
    /// The A and AAAA records of <paramref name="domain"/> in dig's answer lines (<c>name. ttl IN type data</c>): every
    /// other type (dnsmasq's SOA and NS, which the aggregator's own replace) and every name outside the domain is left
    /// out, and so is a line whose address does not parse (nothing but an address reaches the database).
    /// </summary>
    public static IReadOnlyList<ZoneRecord> ParseDig(string output, string domain)
    {
        var suffix = "." + domain.TrimEnd('.').ToLowerInvariant();
        var records = new List<ZoneRecord>();
        foreach (var line in output.Split('\n'))
        {
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 5 || fields[2] != "IN" || fields[3] is not ("A" or "AAAA"))
                continue;
            var name = fields[0].TrimEnd('.').ToLowerInvariant();
            if (!name.EndsWith(suffix, StringComparison.Ordinal) || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ttl)
                || !IPAddress.TryParse(fields[4], out var address)
                || address.AddressFamily != (fields[3] == "A" ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6))
                continue;
            records.Add(new ZoneRecord(name, fields[3], address.ToString(), ttl));
        }
        return records;
    }
}
