using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pvc.Core.Errors;
using Pvc.Core.Storage;

namespace Pvc.NodeService.Ceph;

/// <summary>
/// What the node service asks Ceph's monitors: status, health and utilisation (what PVC's primary writes each
/// keepalive), and pools (PVC's <c>ceph osd pool create/set/application enable/rm</c>), as monitor commands over one
/// <see cref="RadosCluster"/> connection: no process per call. Names are checked against Pvc's rules before anything
/// is sent.
/// </summary>
public sealed class CephMonitor(RadosCluster cluster)
{
    /// <summary>The cluster's status (<c>ceph status --format json</c>), as Ceph printed it.</summary>
    public async Task<string> GetStatusJsonAsync(CancellationToken cancellationToken = default) =>
        await RunAsync(new JsonObject { ["prefix"] = "status", ["format"] = "json" }, "status", "cluster", cancellationToken);

    /// <summary>
    /// The cluster's status as <c>ceph status</c> prints it for a person (the monitor formats it): what PVC's primary
    /// writes to <c>/ceph</c> each keepalive.
    /// </summary>
    public async Task<string> GetStatusTextAsync(CancellationToken cancellationToken = default) =>
        await RunAsync(new JsonObject { ["prefix"] = "status" }, "status", "cluster", cancellationToken);

    /// <summary>The cluster's utilisation as <c>ceph df</c> prints it for a person: what PVC writes to <c>/ceph/util</c>.</summary>
    public async Task<string> GetUsageTextAsync(CancellationToken cancellationToken = default) =>
        await RunAsync(new JsonObject { ["prefix"] = "df" }, "df", "cluster", cancellationToken);

    /// <summary>The cluster's health.</summary>
    public async Task<CephHealth> GetHealthAsync(CancellationToken cancellationToken = default) =>
        CephHealth.Parse(await RunAsync(new JsonObject { ["prefix"] = "health", ["format"] = "json" }, "health", "cluster", cancellationToken));

    /// <summary>The cluster's utilisation, raw and by pool.</summary>
    public async Task<CephUsage> GetUsageAsync(CancellationToken cancellationToken = default) =>
        CephUsage.Parse(await RunAsync(new JsonObject { ["prefix"] = "df", ["format"] = "json" }, "df", "cluster", cancellationToken));

    /// <summary>The OSD map (<c>ceph osd dump --format json</c>): each OSD's uuid, up, in and primary affinity.</summary>
    public async Task<string> GetOsdDumpJsonAsync(CancellationToken cancellationToken = default) =>
        await RunAsync(new JsonObject { ["prefix"] = "osd dump", ["format"] = "json" }, "osd dump", "cluster", cancellationToken);

    /// <summary>Each OSD's usage (<c>ceph osd df --format json</c>).</summary>
    public async Task<string> GetOsdUsageJsonAsync(CancellationToken cancellationToken = default) =>
        await RunAsync(new JsonObject { ["prefix"] = "osd df", ["format"] = "json" }, "osd df", "cluster", cancellationToken);

    /// <summary>
    /// The manager's OSD table (<c>ceph osd status</c>: host, used, available, I/O rates, state), as text: Ceph 16's
    /// manager prints it as a table whatever format is asked for.
    /// </summary>
    public async Task<string> GetOsdStatusTextAsync(CancellationToken cancellationToken = default)
    {
        var answer = await cluster.MgrCommandAsync(new JsonObject { ["prefix"] = "osd status" }, cancellationToken);
        if (answer.Result < 0)
            throw CephErrors.FromErrno(answer.Result, "osd status" + (answer.Status.Length > 0 ? $" ({answer.Status.Trim()})" : ""), "cluster");
        return answer.Output.Length > 0 ? answer.Output : answer.Status;
    }

    /// <summary>The pools' names.</summary>
    public async Task<IReadOnlyList<string>> ListPoolsAsync(CancellationToken cancellationToken = default)
    {
        var json = await RunAsync(new JsonObject { ["prefix"] = "osd pool ls", ["format"] = "json" }, "listing pools", "cluster", cancellationToken);
        return JsonSerializer.Deserialize<List<string>>(json) ?? [];
    }

    /// <summary>
    /// Creates a replicated pool for RBD as PVC does: <paramref name="placementGroups"/> PGs, the crush rule (the default
    /// <c>replicated_rule</c> unless named), size and min_size, and the rbd application.
    /// </summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidPoolName", "InvalidPlacementGroups".</exception>
    /// <exception cref="PvcException">AlreadyExists: "PoolExists".</exception>
    public async Task CreatePoolAsync(string pool, int placementGroups, PoolReplication replication, string? crushRule = null, CancellationToken cancellationToken = default)
    {
        PoolName.Validate(pool);
        ArgumentNullException.ThrowIfNull(replication);
        if (placementGroups is < 1 or > 32768)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidPlacementGroups, $"A pool has 1 to 32768 placement groups; {placementGroups} is not in that range.") { Target = placementGroups };
        if (crushRule is not null && !PoolName.IsValid(crushRule))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidCrushRule, $"'{crushRule}' is not a crush rule name ({PoolName.Rule}).") { Target = crushRule };
        // the monitor answers 0 for a pool that exists ("already exists"): that is a refusal here
        if ((await ListPoolsAsync(cancellationToken)).Contains(pool, StringComparer.Ordinal))
            throw CephErrors.PoolExists(pool);
        var create = new JsonObject { ["prefix"] = "osd pool create", ["pool"] = pool, ["pg_num"] = placementGroups, ["pgp_num"] = placementGroups, ["pool_type"] = "replicated" };
        if (crushRule is not null)
            create["rule"] = crushRule;
        var made = await cluster.MonCommandAsync(create, cancellationToken);
        if (made.Result < 0)
            throw CephErrors.FromErrno(made.Result, "osd pool create", pool);
        if (made.Status.Contains("already exists", StringComparison.Ordinal))
            throw CephErrors.PoolExists(pool);
        try
        {
            await SetPoolAsync(pool, "size", replication.Copies, cancellationToken);
            await SetPoolAsync(pool, "min_size", replication.MinCopies, cancellationToken);
            await RunAsync(new JsonObject { ["prefix"] = "osd pool application enable", ["pool"] = pool, ["app"] = "rbd" }, "osd pool application enable", pool, cancellationToken);
        }
        catch
        {
            // nothing half made is left behind
            await cluster.MonCommandAsync(RemoveCommand(pool), CancellationToken.None);
            throw;
        }
    }

    /// <summary>Removes a pool and every volume in it (PVC's <c>ceph osd pool rm p p --yes-i-really-really-mean-it</c>).</summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound".</exception>
    public async Task RemovePoolAsync(string pool, CancellationToken cancellationToken = default)
    {
        PoolName.Validate(pool);
        // the monitor answers 0 for a pool that does not exist
        if (!(await ListPoolsAsync(cancellationToken)).Contains(pool, StringComparer.Ordinal))
            throw CephErrors.PoolNotFound(pool);
        await RunAsync(RemoveCommand(pool), "osd pool rm", pool, cancellationToken);
    }

    /// <summary>Sets a pool's placement groups as PVC does: <c>pg_num</c>, then <c>pgp_num</c>.</summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound"; InvalidArgument: "InvalidPlacementGroups".</exception>
    public async Task SetPlacementGroupsAsync(string pool, int placementGroups, CancellationToken cancellationToken = default)
    {
        PoolName.Validate(pool);
        PoolRequest.ValidatePlacementGroups(placementGroups);
        await SetPoolAsync(pool, "pg_num", placementGroups, cancellationToken);
        await SetPoolAsync(pool, "pgp_num", placementGroups, cancellationToken);
    }

    /// <summary>
    /// Makes PVC's crush rule for a device class, <c>ceph osd crush rule create-replicated &lt;rule&gt; default host
    /// &lt;class&gt;</c>, unless it exists (Ceph answers an existing rule as made).
    /// </summary>
    public async Task EnsureCrushRuleAsync(string rule, string deviceClass, CancellationToken cancellationToken = default)
    {
        if (!PoolName.IsValid(rule) || !PoolName.IsValid(deviceClass))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidCrushRule, $"'{rule}' for class '{deviceClass}' is not a crush rule name ({PoolName.Rule}).") { Target = rule };
        await RunAsync(new JsonObject { ["prefix"] = "osd crush rule create-replicated", ["name"] = rule, ["root"] = "default", ["type"] = "host", ["class"] = deviceClass },
            "osd crush rule create-replicated", rule, cancellationToken);
    }

    /// <summary>A pool's size and usage by pool (<c>ceph df</c>), or null when Ceph has no such pool.</summary>
    public async Task<CephPoolUsage?> GetPoolUsageAsync(string pool, CancellationToken cancellationToken = default) =>
        (await GetUsageAsync(cancellationToken)).Pools.FirstOrDefault(p => p.Name == pool);

    private static JsonObject RemoveCommand(string pool) =>
        new() { ["prefix"] = "osd pool rm", ["pool"] = pool, ["pool2"] = pool, ["yes_i_really_really_mean_it"] = true };

    private Task<string> SetPoolAsync(string pool, string variable, int value, CancellationToken cancellationToken)
    {
        var set = new JsonObject { ["prefix"] = "osd pool set", ["pool"] = pool, ["var"] = variable, ["val"] = value.ToString(CultureInfo.InvariantCulture) };
        // one copy is the caller's explicit PoolReplication(1, 1); Ceph wants it confirmed
        if (variable == "size" && value == 1)
            set["yes_i_really_mean_it"] = true;
        return RunAsync(set, "osd pool set " + variable, pool, cancellationToken);
    }

    private async Task<string> RunAsync(JsonObject command, string operation, string target, CancellationToken cancellationToken)
    {
        var answer = await cluster.MonCommandAsync(command, cancellationToken);
        if (answer.Result == -CephErrors.NotFound && command["pool"] is not null)
            throw CephErrors.PoolNotFound(target);
        if (answer.Result < 0)
            throw CephErrors.FromErrno(answer.Result, operation + (answer.Status.Length > 0 ? $" ({answer.Status.Trim()})" : ""), target);
        return answer.Output;
    }
}
