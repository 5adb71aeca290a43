using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>The cluster-wide OSD flags <c>ceph osd set/unset</c> takes (PVC's <c>storage osd set/unset</c>).</summary>
public enum OsdFlag
{
    /// <summary><c>noout</c>: down OSDs are not marked out (maintenance).</summary>
    NoOut,
    /// <summary><c>noin</c>: booting OSDs are not marked in.</summary>
    NoIn,
    /// <summary><c>noup</c>: OSDs are not marked up.</summary>
    NoUp,
    /// <summary><c>nodown</c>: failure reports are ignored.</summary>
    NoDown,
    /// <summary><c>nobackfill</c>: backfill is paused.</summary>
    NoBackfill,
    /// <summary><c>norebalance</c>: rebalancing is paused.</summary>
    NoRebalance,
    /// <summary><c>norecover</c>: recovery is paused.</summary>
    NoRecover,
    /// <summary><c>noscrub</c>: scrubbing is off.</summary>
    NoScrub,
    /// <summary><c>nodeep-scrub</c>: deep scrubbing is off.</summary>
    NoDeepScrub,
    /// <summary><c>notieragent</c>: cache tiering is paused.</summary>
    NoTierAgent,
    /// <summary><c>nosnaptrim</c>: snapshot trimming is paused.</summary>
    NoSnapTrim,
    /// <summary><c>pause</c>: no client reads or writes.</summary>
    Pause,
}

/// <summary>The names Ceph gives <see cref="OsdFlag"/> values.</summary>
public static class OsdFlagNames
{
    private static readonly Dictionary<OsdFlag, string> Names = new()
    {
        [OsdFlag.NoOut] = "noout",
        [OsdFlag.NoIn] = "noin",
        [OsdFlag.NoUp] = "noup",
        [OsdFlag.NoDown] = "nodown",
        [OsdFlag.NoBackfill] = "nobackfill",
        [OsdFlag.NoRebalance] = "norebalance",
        [OsdFlag.NoRecover] = "norecover",
        [OsdFlag.NoScrub] = "noscrub",
        [OsdFlag.NoDeepScrub] = "nodeep-scrub",
        [OsdFlag.NoTierAgent] = "notieragent",
        [OsdFlag.NoSnapTrim] = "nosnaptrim",
        [OsdFlag.Pause] = "pause",
    };

    /// <summary>Ceph's name of the flag (<c>nodeep-scrub</c>).</summary>
    public static string ToCeph(OsdFlag flag) => Names.TryGetValue(flag, out var name) ? name : throw Invalid(flag.ToString());

    /// <summary>The flag Ceph names so (<c>noout</c>), or the enum member's name, case-insensitive.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidOsdFlag".</exception>
    public static OsdFlag Parse(string? text)
    {
        foreach (var (flag, name) in Names)
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase) || string.Equals(flag.ToString(), text, StringComparison.OrdinalIgnoreCase))
                return flag;
        throw Invalid(text);
    }

    private static PvcException Invalid(string? text) =>
        new(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidOsdFlag, $"'{text}' is not an OSD flag; the flags are {string.Join(", ", Names.Values)}.") { Target = text };
}
