using System.Text.Json.Nodes;
using Pvc.Core.Errors;
using Pvc.Core.Schema;

namespace Pvc.Core.Storage;

/// <summary>
/// What a pool task asks (pool.add, pool.remove, pool.set_pgs): checked when made, carried as the task's arguments,
/// and checked again by <see cref="FromArguments"/> on the node that runs it.
/// </summary>
public sealed record PoolRequest
{
    /// <summary>A request for the pool <paramref name="name"/>.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidPoolName", "InvalidPlacementGroups".</exception>
    public PoolRequest(string name, int? placementGroups = null, PoolTier tier = PoolTier.Default, PoolReplication? replication = null)
    {
        PoolName.Validate(name);
        if (placementGroups is { } pgs)
            ValidatePlacementGroups(pgs);
        Name = name;
        PlacementGroups = placementGroups;
        Tier = tier;
        Replication = replication;
    }

    /// <summary>The pool.</summary>
    public string Name { get; }

    /// <summary>Placement groups (pool.add, pool.set_pgs).</summary>
    public int? PlacementGroups { get; }

    /// <summary>The device class it places data on (pool.add).</summary>
    public PoolTier Tier { get; }

    /// <summary>Copies (pool.add; PVC's default copies=3,mincopies=2 when null).</summary>
    public PoolReplication? Replication { get; }

    /// <summary>
    /// The crush rule PVC makes for the tier, <c>&lt;tier&gt;_tier</c> (replicated over hosts, on that device class); null
    /// for the default tier, whose pools take Ceph's default replicated rule.
    /// </summary>
    public string? CrushRule => Tier == PoolTier.Default ? null : Wire.PoolTier.Encode(Tier) + "_tier";

    /// <summary>Ceph takes 1 to 32768 placement groups; PVC's guidance is a power of two.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidPlacementGroups".</exception>
    public static void ValidatePlacementGroups(int pgs)
    {
        if (pgs is < 1 or > 32768 || (pgs & (pgs - 1)) != 0)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidPlacementGroups,
                $"{pgs} placement groups: a pool has a power of two from 1 to 32768 (e.g. 64, 128, 256).") { Target = pgs };
    }

    /// <summary>The task's arguments.</summary>
    public JsonObject ToArguments()
    {
        var args = new JsonObject { ["pool"] = Name, ["tier"] = Wire.PoolTier.Encode(Tier) };
        if (PlacementGroups is { } pgs)
            args["pgs"] = pgs;
        if (Replication is { } r)
            args["replcfg"] = r.ToString();
        return args;
    }

    /// <summary>The request a task's arguments carry, checked as when it was made.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidTaskArguments", "InvalidPoolName", "InvalidPlacementGroups", "InvalidReplication".</exception>
    public static PoolRequest FromArguments(JsonObject args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var tier = StorageArguments.OptionalText(args, "tier") ?? "default";
        if (!Wire.PoolTier.IsKnown(tier))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTaskArguments, $"'{tier}' is not a pool tier (default, hdd, ssd or nvme).") { Target = tier };
        var pgs = StorageArguments.OptionalLong(args, "pgs");
        if (pgs is < int.MinValue or > int.MaxValue)
            ValidatePlacementGroups(-1);
        return new PoolRequest(StorageArguments.Text(args, "pool"), (int?)pgs, Wire.PoolTier.Decode(tier),
            StorageArguments.OptionalText(args, "replcfg") is { } r ? PoolReplication.Parse(r) : null);
    }
}
