using System.Net;
using Pvc.ZooKeeper;

namespace Pvc.Core.Connection;

/// <summary>The servers a ZooKeeper connection string names (its chroot left aside), for code that talks to them directly.</summary>
public static class ZooKeeperServers
{
    /// <summary>The servers of <paramref name="connectionString"/> (<c>host:port,host:port/chroot</c>; port 2181 when omitted).</summary>
    /// <exception cref="FormatException">The text is not a connection string; the message says what is wrong.</exception>
    public static IReadOnlyList<DnsEndPoint> Parse(string connectionString) =>
        [.. ConnectionString.Parse(connectionString).Hosts.Select(h => new DnsEndPoint(h.Host, h.Port))];

    /// <summary>A server as a connection string names it: <c>host:port</c>, an IPv6 address in brackets.</summary>
    public static string Format(DnsEndPoint server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new DnsEndPointText(server.Host, server.Port).ToString();
    }
}
