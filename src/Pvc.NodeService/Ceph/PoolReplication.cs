using Pvc.Core.Errors;

namespace Pvc.NodeService.Ceph;

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
}
