using System.Globalization;

namespace Pvc.ZooKeeper;

/// <summary>
/// A parsed ZooKeeper connection string: <c>host:port,host:port/chroot</c>
/// (IPv6 hosts in brackets; port 2181 when omitted).
/// </summary>
public sealed record ConnectionString(IReadOnlyList<DnsEndPointText> Hosts, string? Chroot)
{
    /// <summary>The default client port.</summary>
    public const int DefaultPort = 2181;

    /// <summary>Parses a connection string; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static ConnectionString Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hostsPart = text;
        string? chroot = null;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            hostsPart = text[..slash];
            chroot = text[slash..].TrimEnd('/');
            // 'hv1:2181/pvc,hv2:2181' would connect to hv1 alone, in a chroot named "/pvc,hv2:2181"
            if (chroot.Contains(',', StringComparison.Ordinal))
                throw new FormatException($"The ZooKeeper connection string '{text}' has a chroot ('{chroot}') before its last server; the chroot goes once, after the last server: host:port,host:port/chroot.");
            if (chroot.Length == 0)
                chroot = null;
            else
                ValidateChroot(chroot, text);
        }
        var hosts = new List<DnsEndPointText>();
        foreach (var raw in hostsPart.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            hosts.Add(ParseHost(raw, text));
        if (hosts.Count == 0)
            throw new FormatException($"The ZooKeeper connection string '{text}' names no server; give host:port[,host:port...][/chroot].");
        return new ConnectionString(hosts, chroot);
    }

    private static void ValidateChroot(string chroot, string whole)
    {
        try
        {
            PathValidation.Validate(chroot);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"The chroot of the ZooKeeper connection string '{whole}' is not a valid path: {e.Message}", e);
        }
    }

    private static DnsEndPointText ParseHost(string raw, string whole)
    {
        string host;
        string? port = null;
        if (raw.StartsWith('['))
        {
            var close = raw.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
                throw new FormatException($"'{raw}' in '{whole}' opens '[' for an IPv6 address but does not close it.");
            host = raw[1..close];
            if (close + 1 < raw.Length)
            {
                if (raw[close + 1] != ':')
                    throw new FormatException($"'{raw}' in '{whole}': expected ':port' after the IPv6 address.");
                port = raw[(close + 2)..];
            }
        }
        else
        {
            var colon = raw.LastIndexOf(':');
            host = colon < 0 ? raw : raw[..colon];
            port = colon < 0 ? null : raw[(colon + 1)..];
        }
        if (host.Length == 0)
            throw new FormatException($"'{raw}' in '{whole}' has no host name.");
        var portNumber = DefaultPort;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out portNumber) || portNumber is < 1 or > 65535))
            throw new FormatException($"'{raw}' in '{whole}' has the port '{port}'; a port is a number from 1 to 65535.");
        return new DnsEndPointText(host, portNumber);
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Join(',', Hosts.Select(h => h.ToString())) + (Chroot ?? "");
}

/// <summary>A server's host name (or address) and port.</summary>
public sealed record DnsEndPointText(string Host, int Port)
{
    /// <inheritdoc />
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
