using System.Globalization;
using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>A replicated pool's copies (<c>size</c>) and the copies it needs to serve I/O (<c>min_size</c>): PVC's replcfg.</summary>
public sealed record PoolReplication
{
    /// <summary>PVC's default, <c>copies=3,mincopies=2</c>.</summary>
    public static PoolReplication Default { get; } = new(3, 2);

    /// <summary>Makes a replication setting; "InvalidReplication" unless 1 ≤ <paramref name="minCopies"/> ≤ <paramref name="copies"/> ≤ 10.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidReplication".</exception>
    public PoolReplication(int copies, int minCopies)
    {
        if (copies is < 1 or > 10 || minCopies < 1 || minCopies > copies)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidReplication, $"copies={copies},mincopies={minCopies} is not a replication: copies is 1 to 10 and mincopies 1 to copies.");
        Copies = copies;
        MinCopies = minCopies;
    }

    /// <summary>Copies of each object.</summary>
    public int Copies { get; }

    /// <summary>Copies needed for I/O.</summary>
    public int MinCopies { get; }

    /// <summary>Reads PVC's replcfg, <c>copies=N,mincopies=M</c> (either order).</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidReplication".</exception>
    public static PoolReplication Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int? copies = null, min = null;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length == 2 && int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                if (kv[0] == "copies" && copies is null)
                {
                    copies = n;
                    continue;
                }
                if (kv[0] == "mincopies" && min is null)
                {
                    min = n;
                    continue;
                }
            }
            copies = null;
            break;
        }
        if (copies is null || min is null)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidReplication,
                $"'{string.Concat(text.Take(60).Select(c => char.IsControl(c) ? '?' : c))}' is not a replication: write it as PVC does, copies=N,mincopies=M (e.g. copies=3,mincopies=2).") { Target = text };
        return new PoolReplication(copies.Value, min.Value);
    }

    /// <summary>PVC's replcfg text.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"copies={Copies},mincopies={MinCopies}");
}
