using Pvc.Core.Errors;
using Pvc.ZooKeeper;

namespace Pvc.Core.Storage;

/// <summary>
/// One transaction of storage or OSD keys written after Ceph was changed, with a lost answer told apart from a refusal
/// (rev14 P2-4): when the connection drops before ZooKeeper's answer arrives, the transaction may have committed, and
/// undoing Ceph's change then leaves keys with nothing behind them. So on a lost answer the connection is awaited and
/// the keys read back: the transaction's effect there means it committed (the write succeeded); its absence means it
/// did not (the original error, and the caller undoes); no connection within the wait leaves the outcome unknown
/// (<see cref="PvcErrorIds.StorageKeysUnconfirmed"/>), which the caller must not undo.
/// </summary>
internal static class StorageTransaction
{
    /// <summary>How long a lost answer waits for the connection to come back before the outcome is called unknown.</summary>
    internal static readonly TimeSpan ReconnectWait = TimeSpan.FromSeconds(60);

    /// <summary>Runs the transaction; see the class.</summary>
    /// <exception cref="PvcException">ConnectionError: "StorageKeysUnconfirmed".</exception>
    public static async Task CommitAsync(ZooKeeperClient zk, IReadOnlyList<Op> ops, string what, CancellationToken cancellationToken)
    {
        try
        {
            await zk.MultiAsync(ops, cancellationToken);
        }
        catch (ConnectionLossException lost)
        {
            bool applied;
            try
            {
                await zk.WaitConnectedAsync(ReconnectWait, cancellationToken);
                applied = await AppliedAsync(zk, ops, cancellationToken);
            }
            catch (ZooKeeperException again)
            {
                throw new PvcException(PvcErrorKind.ConnectionError, PvcErrorIds.StorageKeysUnconfirmed,
                    $"The keys of {what} were sent to ZooKeeper, but its answer was lost and they could not be read back ({again.Message}); Ceph's change was kept. Check the keys once ZooKeeper is reachable.", lost) { Target = what };
            }
            if (!applied)
                throw;
        }
    }

    /// <summary>
    /// True when the transaction's effect is there: every created key exists, every deleted key is gone, every set key
    /// holds the data (a transaction commits whole or not at all, so a part of it stands for all of it; all are read).
    /// </summary>
    private static async Task<bool> AppliedAsync(ZooKeeperClient zk, IReadOnlyList<Op> ops, CancellationToken cancellationToken)
    {
        // a key deleted and made again in one transaction (an OSD's keys replaced) exists after it commits
        var created = ops.OfType<CreateOp>().Select(c => c.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var op in ops)
        {
            switch (op)
            {
                case CreateOp create when await zk.ExistsAsync(create.Path, null, cancellationToken) is null:
                    return false;
                case DeleteOp delete when !created.Contains(delete.Path) && await zk.ExistsAsync(delete.Path, null, cancellationToken) is not null:
                    return false;
                case SetDataOp set when !await HoldsAsync(zk, set, cancellationToken):
                    return false;
            }
        }
        return true;
    }

    private static async Task<bool> HoldsAsync(ZooKeeperClient zk, SetDataOp set, CancellationToken cancellationToken)
    {
        if (await zk.ExistsAsync(set.Path, null, cancellationToken) is null)
            return false;
        return ((ReadOnlySpan<byte>)(await zk.GetDataAsync(set.Path, null, cancellationToken)).Data).SequenceEqual(set.Data.Span);
    }
}
