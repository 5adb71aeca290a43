using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Storage;

namespace Pvc.NodeService.Ceph.Osds;

/// <summary>
/// The monitor commands of PVC's OSD operations (<c>ceph osd in/out/set/unset</c>, crush add, safe-to-destroy,
/// purge), sent over the node's <see cref="RadosCluster"/> connection as JSON: an id or a flag is a value, never argv.
/// </summary>
public sealed class OsdMonitor(RadosCluster cluster)
{
    /// <summary>One OSD as the OSD map has it.</summary>
    /// <param name="Id">The id.</param>
    /// <param name="Up">True when its daemon is up.</param>
    /// <param name="In">True when it is in (holds data).</param>
    /// <param name="Uuid">Its fsid.</param>
    public sealed record MapEntry(int Id, bool Up, bool In, Guid Uuid);

    /// <summary><c>ceph osd in &lt;id&gt;</c>.</summary>
    public Task MarkInAsync(int id, CancellationToken cancellationToken = default) =>
        RunAsync(new JsonObject { ["prefix"] = "osd in", ["ids"] = new JsonArray(Id(id)) }, "osd in", Name(id), cancellationToken);

    /// <summary><c>ceph osd out &lt;id&gt;</c>.</summary>
    public Task MarkOutAsync(int id, CancellationToken cancellationToken = default) =>
        RunAsync(new JsonObject { ["prefix"] = "osd out", ["ids"] = new JsonArray(Id(id)) }, "osd out", Name(id), cancellationToken);

    /// <summary><c>ceph osd down &lt;id&gt;</c>.</summary>
    public Task MarkDownAsync(int id, CancellationToken cancellationToken = default) =>
        RunAsync(new JsonObject { ["prefix"] = "osd down", ["ids"] = new JsonArray(Id(id)) }, "osd down", Name(id), cancellationToken);

    /// <summary><c>ceph osd set &lt;flag&gt;</c>.</summary>
    public Task SetFlagAsync(OsdFlag flag, CancellationToken cancellationToken = default) =>
        RunAsync(new JsonObject { ["prefix"] = "osd set", ["key"] = OsdFlagNames.ToCeph(flag) }, "osd set", OsdFlagNames.ToCeph(flag), cancellationToken);

    /// <summary><c>ceph osd unset &lt;flag&gt;</c>.</summary>
    public Task UnsetFlagAsync(OsdFlag flag, CancellationToken cancellationToken = default) =>
        RunAsync(new JsonObject { ["prefix"] = "osd unset", ["key"] = OsdFlagNames.ToCeph(flag) }, "osd unset", OsdFlagNames.ToCeph(flag), cancellationToken);

    /// <summary>The cluster-wide flags set now (<c>ceph osd dump</c>'s flags).</summary>
    public async Task<IReadOnlySet<string>> GetFlagsAsync(CancellationToken cancellationToken = default)
    {
        using var dump = JsonDocument.Parse(await RunAsync(new JsonObject { ["prefix"] = "osd dump", ["format"] = "json" }, "osd dump", "cluster", cancellationToken));
        var flags = dump.RootElement.GetProperty("flags").GetString() ?? "";
        return flags.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Every OSD in the OSD map.</summary>
    public async Task<IReadOnlyList<MapEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        using var dump = JsonDocument.Parse(await RunAsync(new JsonObject { ["prefix"] = "osd dump", ["format"] = "json" }, "osd dump", "cluster", cancellationToken));
        return [.. dump.RootElement.GetProperty("osds").EnumerateArray().Select(o => new MapEntry(
            o.GetProperty("osd").GetInt32(), o.GetProperty("up").GetInt32() == 1, o.GetProperty("in").GetInt32() == 1,
            Guid.TryParse(o.GetProperty("uuid").GetString(), out var uuid) ? uuid : Guid.Empty))];
    }

    /// <summary><c>ceph osd crush add osd.&lt;id&gt; &lt;weight&gt; root=default host=&lt;node&gt;</c>.</summary>
    public Task CrushAddAsync(int id, double weight, string node, CancellationToken cancellationToken = default)
    {
        NodeName.Validate(node);
        if (!double.IsFinite(weight) || weight < 0)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.CephInvalidArgument, $"An OSD's weight is a number of 0 or more; {weight.ToString(CultureInfo.InvariantCulture)} is not.") { Target = weight };
        // the monitor reads 'weight' as a float only when the JSON number has a fraction: System.Text.Json writes 0.0 as
        // "0", which the monitor refuses ("bad or missing field 'weight'"), so a whole weight is written as "1.0"
        var number = weight.ToString("R", CultureInfo.InvariantCulture);
        var text = number.Contains('.', StringComparison.Ordinal) || number.Contains('E', StringComparison.Ordinal) ? number : number + ".0";
        return RunAsync(new JsonObject { ["prefix"] = "osd crush add", ["id"] = id, ["weight"] = JsonNode.Parse(text), ["args"] = new JsonArray("root=default", "host=" + node) }, "osd crush add", Name(id), cancellationToken);
    }

    /// <summary>True when Ceph says destroying the OSD loses no data (<c>ceph osd safe-to-destroy</c>).</summary>
    public async Task<bool> IsSafeToDestroyAsync(int id, CancellationToken cancellationToken = default)
    {
        var answer = await cluster.MonCommandAsync(new JsonObject { ["prefix"] = "osd safe-to-destroy", ["ids"] = new JsonArray(Id(id)) }, cancellationToken);
        // EBUSY (or EAGAIN while PG stats are not yet known) means not yet
        return answer.Result switch
        {
            0 => true,
            -16 or -11 => false,
            _ => throw CephErrors.FromErrno(answer.Result, "osd safe-to-destroy" + (answer.Status.Length > 0 ? $" ({answer.Status.Trim()})" : ""), Name(id)),
        };
    }

    /// <summary>
    /// What <c>ceph osd purge &lt;id&gt; --yes-i-really-mean-it</c> does, as the monitor's own commands (purge itself is
    /// a manager command, which librados' monitor channel does not take): <c>osd crush rm</c>, <c>auth del</c>, <c>osd
    /// rm</c>. The OSD must be down. Parts already gone are no error.
    /// </summary>
    public async Task PurgeAsync(int id, CancellationToken cancellationToken = default)
    {
        await RunAsync(new JsonObject { ["prefix"] = "osd crush rm", ["name"] = Name(id) }, "osd crush rm", Name(id), cancellationToken, ignoreNotFound: true);
        await RunAsync(new JsonObject { ["prefix"] = "auth del", ["entity"] = Name(id) }, "auth del", Name(id), cancellationToken, ignoreNotFound: true);
        await RunAsync(new JsonObject { ["prefix"] = "osd rm", ["ids"] = new JsonArray(Id(id)) }, "osd rm", Name(id), cancellationToken, ignoreNotFound: true);
    }

    /// <summary>
    /// <c>ceph osd destroy &lt;id&gt; --yes-i-really-mean-it</c>, as the monitor's own command (<c>osd destroy-actual</c>:
    /// <c>osd destroy</c> is a manager command that checks safe-to-destroy, which the caller has done): the OSD's keys
    /// are removed and it is marked destroyed, keeping its id and its place in the crush map for a new device. The OSD
    /// must be down (EBUSY otherwise).
    /// </summary>
    public Task DestroyAsync(int id, CancellationToken cancellationToken = default) =>
        RunAsync(new JsonObject { ["prefix"] = "osd destroy-actual", ["id"] = id >= 0 ? id : throw new ArgumentOutOfRangeException(nameof(id)), ["yes_i_really_mean_it"] = true },
            "osd destroy", Name(id), cancellationToken);

    /// <summary>The OSD's crush weight (<c>ceph osd tree</c>'s crush_weight); null when the crush map has no such OSD.</summary>
    public async Task<double?> GetCrushWeightAsync(int id, CancellationToken cancellationToken = default)
    {
        using var tree = JsonDocument.Parse(await RunAsync(new JsonObject { ["prefix"] = "osd tree", ["format"] = "json" }, "osd tree", Name(id), cancellationToken));
        foreach (var node in tree.RootElement.GetProperty("nodes").EnumerateArray())
            if (node.GetProperty("id").GetInt32() == id && node.TryGetProperty("crush_weight", out var weight))
                return weight.GetDouble();
        return null;
    }

    private static string Id(int id) => id >= 0 ? id.ToString(CultureInfo.InvariantCulture) : throw new ArgumentOutOfRangeException(nameof(id), id, "An OSD id is not negative.");

    private static string Name(int id) => "osd." + Id(id);

    private async Task<string> RunAsync(JsonObject command, string operation, string target, CancellationToken cancellationToken, bool ignoreNotFound = false)
    {
        var answer = await cluster.MonCommandAsync(command, cancellationToken);
        if (answer.Result == -CephErrors.NotFound && ignoreNotFound)
            return "";
        if (answer.Result == -CephErrors.NotFound)
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.OsdNotFound, $"Ceph has no {target} ({answer.Status.Trim()}).") { Target = target };
        if (answer.Result < 0)
            throw CephErrors.FromErrno(answer.Result, operation + (answer.Status.Length > 0 ? $" ({answer.Status.Trim()})" : ""), target);
        return answer.Output;
    }
}
