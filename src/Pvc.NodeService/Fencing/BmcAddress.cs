using System.Globalization;

namespace Pvc.NodeService.Fencing;

/// <summary>
/// A node's BMC as its IPMI keys give it (<c>ipmihostname</c>, <c>ipmiusername</c>, <c>ipmipassword</c>). The host
/// may carry a port (<c>host:port</c>, <c>[v6]:port</c>), for BMCs not on IPMI's 623. The password never shows in text.
/// </summary>
internal sealed record BmcAddress(string Host, int? Port, string User, string Password)
{
    /// <summary>The address from the node's keys; null when the node has no BMC configured.</summary>
    public static BmcAddress? FromKeys(string? host, string? user, string? password)
    {
        if (string.IsNullOrWhiteSpace(host) || host is "None")
            return null;
        var text = host.Trim();
        string name = text;
        string? portText = null;
        if (text.StartsWith('[') && text.IndexOf(']') is var close and > 0)
        {
            name = text[1..close];
            portText = text.Length > close + 1 && text[close + 1] == ':' ? text[(close + 2)..] : null;
        }
        else if (text.Count(c => c == ':') == 1)
        {
            (name, portText) = (text[..text.IndexOf(':')], text[(text.IndexOf(':') + 1)..]);
        }
        int? port = null;
        if (portText is not null)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
                return null;
            port = p;
        }
        return new BmcAddress(name, port, user ?? "", password ?? "");
    }

    /// <summary>The text without the password.</summary>
    public override string ToString() => Port is { } p ? $"{User}@{Host}:{p.ToString(CultureInfo.InvariantCulture)}" : $"{User}@{Host}";
}
