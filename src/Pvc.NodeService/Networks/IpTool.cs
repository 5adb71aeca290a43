using System.Globalization;
using System.Text;
using System.Text.Json;
using CliWrap;

namespace Pvc.NodeService.Networks;

/// <summary>
/// iproute2's <c>ip</c>, run through CliWrap with each value its own argument (no shell). With a namespace, every
/// command runs in it (<c>ip -n</c>): how the tests stand a network namespace in for a node.
/// </summary>
internal sealed class IpTool(string? netns = null)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>Runs <c>ip</c> with <paramref name="args"/>; a failure is an <see cref="IpCommandException"/> with its message.</summary>
    public async Task<string> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var (code, output, error) = await ExecuteAsync(args, cancellationToken);
        return code == 0 ? output
            : throw new IpCommandException($"ip {string.Join(' ', args)} failed ({code}): {error.Trim()}");
    }

    /// <summary>Every interface of the host (or namespace).</summary>
    public async Task<IReadOnlyList<LinkInfo>> ListLinksAsync(CancellationToken cancellationToken)
    {
        var json = await RunAsync(["-json", "-details", "link", "show"], cancellationToken);
        using var doc = JsonDocument.Parse(json);
        var links = new List<LinkInfo>();
        foreach (var link in doc.RootElement.EnumerateArray())
        {
            var info = link.TryGetProperty("linkinfo", out var li) ? li : default;
            var kind = info.ValueKind == JsonValueKind.Object && info.TryGetProperty("info_kind", out var k) ? k.GetString() : null;
            var data = info.ValueKind == JsonValueKind.Object && info.TryGetProperty("info_data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
            int? id = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("id", out var i) && i.TryGetInt32(out var v) ? v : null;
            // a VXLAN names its device in info_data, a VLAN at the top
            var lower = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("link", out var dl) && dl.ValueKind == JsonValueKind.String ? dl.GetString()
                : link.TryGetProperty("link", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
            var flags = link.TryGetProperty("flags", out var f) ? f.EnumerateArray().Select(x => x.GetString()).ToList() : [];
            links.Add(new LinkInfo(
                link.GetProperty("ifname").GetString() ?? "",
                kind,
                link.TryGetProperty("mtu", out var mtu) ? mtu.GetInt32() : 0,
                link.TryGetProperty("master", out var master) ? master.GetString() : null,
                id,
                flags.Contains("UP"),
                link.TryGetProperty("ifalias", out var alias) ? alias.GetString() : null,
                lower));
        }
        return links;
    }

    /// <summary>The addresses on <paramref name="device"/> as "address/prefix"; none when the device does not exist.</summary>
    public async Task<IReadOnlyList<string>> ListAddressesAsync(string device, CancellationToken cancellationToken)
    {
        var (code, json, _) = await ExecuteAsync(["-json", "address", "show", "dev", device], cancellationToken);
        if (code != 0 || string.IsNullOrWhiteSpace(json))
            return [];
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.EnumerateArray()
            .SelectMany(l => l.TryGetProperty("addr_info", out var a) ? a.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Where(a => a.TryGetProperty("local", out _) && a.TryGetProperty("prefixlen", out _))
            .Select(a => $"{a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32().ToString(CultureInfo.InvariantCulture)}")];
    }

    /// <summary>The namespace the commands run in (tests), or null for the host's.</summary>
    public string? Netns => netns;

    private async Task<(int Code, string Output, string Error)> ExecuteAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Deadline);
        var output = new StringBuilder();
        var error = new StringBuilder();
        IEnumerable<string> all = netns is null ? args : ["-n", netns, .. args];
        var result = await Cli.Wrap("ip")
            .WithArguments(all)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(error))
            .ExecuteAsync(deadline.Token);
        return (result.ExitCode, output.ToString(), error.ToString());
    }

    /// <summary>A number as an argument.</summary>
    public static string Arg(int value) => value.ToString(CultureInfo.InvariantCulture);
}
