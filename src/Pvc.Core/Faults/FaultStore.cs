using System.Text;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Faults;

/// <summary>
/// Lists, acknowledges and deletes the cluster's faults (<c>/faults/&lt;id&gt;</c>), as <c>pvc cluster fault</c> does.
/// </summary>
/// <remarks>
/// Every change is one transaction over all the faults named, with the data versions read just before, so
/// a concurrent writer (the health daemon updating a fault, another client acknowledging it) is never
/// overwritten unseen: the transaction fails as a whole, the faults are read again and the change is
/// decided afresh (three attempts, then <see cref="PvcException"/> (WriteConflict)). An unknown id fails the
/// whole request before anything is written. Reads take two round trips however many faults there are.
/// </remarks>
public sealed class FaultStore(ClusterConnection connection)
{
    private const int Attempts = 3;

    /// <summary>Tests only: runs between an attempt's reads and its transaction (argument: the attempt, from 1), to stage a concurrent writer.</summary>
    internal static readonly AsyncLocal<Func<int, Task>?> BeforeWrite = new();

    /// <summary>Every fault, ordered by <paramref name="sortKey"/> (times newest first), ties by id.</summary>
    /// <exception cref="PvcException">InvalidData: "ClusterNotInitialized" or "UnsupportedSchemaVersion".</exception>
    public async Task<IReadOnlyList<Fault>> ListAsync(FaultSortKey sortKey = FaultSortKey.LastReported, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var snapshot = await ReadAsync(connection.ZooKeeper, null, cancellationToken);
        return Sort(snapshot.Faults.Values, sortKey);
    }

    /// <summary>One fault.</summary>
    /// <exception cref="PvcException">NotFound: "FaultNotFound": no fault has that id.</exception>
    /// <exception cref="PvcException">InvalidData: "ClusterNotInitialized" or "UnsupportedSchemaVersion".</exception>
    public async Task<Fault> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(id);
        var snapshot = await ReadAsync(connection.ZooKeeper, [id], cancellationToken);
        return snapshot.Faults[id];
    }

    /// <summary>
    /// Acknowledges faults: status "ack" and ack_time now (UTC, "YYYY-MM-DD HH:MM:SS"), all in one transaction.
    /// Faults already acknowledged are left as they are. From then on they count 0 against the health.
    /// </summary>
    /// <returns>The faults as they now are, in the order given.</returns>
    /// <exception cref="PvcException">NotFound: "FaultNotFound": an id is unknown; nothing is changed.</exception>
    /// <exception cref="PvcException">WriteConflict: "FaultWriteConflict": the faults kept changing meanwhile; nothing is changed.</exception>
    /// <exception cref="PvcException">InvalidData: "ClusterNotInitialized" or "UnsupportedSchemaVersion".</exception>
    public Task<IReadOnlyList<Fault>> AcknowledgeAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return AcknowledgeCoreAsync(connection, ids.Distinct(StringComparer.Ordinal).ToList(), cancellationToken);
    }

    /// <summary>Acknowledges every fault, in one transaction. See <see cref="AcknowledgeAsync"/>.</summary>
    /// <returns>Every fault as it now is, newest reported first.</returns>
    public Task<IReadOnlyList<Fault>> AcknowledgeAllAsync(CancellationToken cancellationToken = default) =>
        AcknowledgeCoreAsync(connection, null, cancellationToken);

    /// <summary>Deletes faults (each fault's whole subtree), in one transaction.</summary>
    /// <returns>The faults deleted, as they were, in the order given.</returns>
    /// <exception cref="PvcException">NotFound: "FaultNotFound": an id is unknown; nothing is deleted.</exception>
    /// <exception cref="PvcException">WriteConflict: "FaultWriteConflict": the faults kept changing meanwhile; nothing is deleted.</exception>
    /// <exception cref="PvcException">InvalidData: "ClusterNotInitialized" or "UnsupportedSchemaVersion".</exception>
    public Task<IReadOnlyList<Fault>> DeleteAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return DeleteCoreAsync(connection, ids.Distinct(StringComparer.Ordinal).ToList(), cancellationToken);
    }

    /// <summary>Deletes every fault, in one transaction. See <see cref="DeleteAsync"/>.</summary>
    /// <returns>The faults deleted, as they were, newest reported first.</returns>
    public Task<IReadOnlyList<Fault>> DeleteAllAsync(CancellationToken cancellationToken = default) =>
        DeleteCoreAsync(connection, null, cancellationToken);

    /// <summary>
    /// Raises a fault as PVC's health daemon does: a new fault gets first_time, last_time, status "new" and an
    /// empty ack_time; an existing one only gets last_time, delta and message updated (its status, so an
    /// acknowledgement, stays). Nothing is written while the cluster is in maintenance. One transaction.
    /// </summary>
    /// <param name="id">The fault id, uppercase as PVC's (<c>DEAD_NODE_HV1</c>); see <see cref="FaultIds"/>.</param>
    /// <param name="healthDelta">What it takes off the cluster's health while unacknowledged.</param>
    /// <param name="message">What happened, for people.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>False when maintenance kept it from being written.</returns>
    /// <exception cref="PvcException">WriteConflict: "FaultWriteConflict": the fault kept changing meanwhile; nothing is changed.</exception>
    public async Task<bool> RaiseAsync(string id, int healthDelta, string message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(message);
        var client = connection.ZooKeeper;
        return await WithRetriesAsync(async attempt =>
        {
            var batch = new ZnodeBatch(client).Data(BaseKeys.Maintenance);
            foreach (var key in FaultKeys.Schema.SubPaths)
                batch.Data(FaultKeys.Path(id, key));
            await batch.ReadAsync(cancellationToken);
            if (PvcBool.Decode(batch.Text(BaseKeys.Maintenance)))
                return false;
            var now = PvcTime.Encode(DateTimeOffset.UtcNow);
            var values = new Dictionary<string, string>
            {
                [FaultKeys.LastTime] = now,
                [FaultKeys.Delta] = PvcNumber.Encode(healthDelta),
                [FaultKeys.Message] = message,
            };
            var ops = new List<Op>();
            if (batch.StatOf(FaultKeys.Path(id)) is null)
            {
                values[FaultKeys.FirstTime] = now;
                values[FaultKeys.AckTime] = "";
                values[FaultKeys.Status] = Wire.FaultStatus.Encode(FaultStatus.New);
                ops.Add(Op.Create(FaultKeys.Path(id), ReadOnlyMemory<byte>.Empty));
            }
            foreach (var (key, value) in values)
                ops.Add(Write(batch, FaultKeys.Path(id, key), value));
            await (BeforeWrite.Value?.Invoke(attempt) ?? Task.CompletedTask);
            await client.MultiAsync(ops, cancellationToken);
            return true;
        });
    }

    private static async Task<IReadOnlyList<Fault>> AcknowledgeCoreAsync(ClusterConnection connection, IReadOnlyList<string>? ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var client = connection.ZooKeeper;
        return await WithRetriesAsync(async attempt =>
        {
            var snapshot = await ReadAsync(client, ids, cancellationToken);
            var ackTime = PvcTime.Encode(DateTimeOffset.UtcNow);
            var ops = new List<Op>();
            var result = new List<Fault>();
            foreach (var fault in Ordered(snapshot, ids))
            {
                if (fault.IsAcknowledged)
                {
                    result.Add(fault);
                    continue;
                }
                ops.Add(Write(snapshot.Batch, FaultKeys.Path(fault.Id, FaultKeys.AckTime), ackTime));
                ops.Add(Write(snapshot.Batch, FaultKeys.Path(fault.Id, FaultKeys.Status), Wire.FaultStatus.Encode(FaultStatus.Ack)));
                result.Add(fault with { Status = FaultStatus.Ack, AcknowledgedAt = PvcTime.Decode(ackTime) });
            }
            await (BeforeWrite.Value?.Invoke(attempt) ?? Task.CompletedTask);
            await client.MultiAsync(ops, cancellationToken);
            return result;
        });
    }

    private static async Task<IReadOnlyList<Fault>> DeleteCoreAsync(ClusterConnection connection, IReadOnlyList<string>? ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var client = connection.ZooKeeper;
        return await WithRetriesAsync(async attempt =>
        {
            var snapshot = await ReadAsync(client, ids, cancellationToken);
            var faults = Ordered(snapshot, ids);
            var tree = await ZnodeTree.WalkAsync(client, faults.Select(f => FaultKeys.Path(f.Id)), withVersions: true, null, cancellationToken);
            await (BeforeWrite.Value?.Invoke(attempt) ?? Task.CompletedTask);
            await client.MultiAsync(tree.OrderByDescending(e => e.Depth).Select(e => Op.Delete(e.Path, e.Version)), cancellationToken);
            return faults;
        });
    }

    /// <summary>Sets a key at the version read, or creates it when the fault lacks it.</summary>
    private static Op Write(ZnodeBatch batch, string path, string value) =>
        batch.StatOf(path) is { } stat
            ? Op.SetData(path, Encoding.UTF8.GetBytes(value), stat.Version)
            : Op.Create(path, Encoding.UTF8.GetBytes(value));

    private static IReadOnlyList<Fault> Ordered(FaultSnapshot snapshot, IReadOnlyList<string>? ids) =>
        ids is null ? Sort(snapshot.Faults.Values, FaultSortKey.LastReported) : ids.Select(id => snapshot.Faults[id]).ToList();

    private static async Task<T> WithRetriesAsync<T>(Func<int, Task<T>> attempt)
    {
        for (var i = 1; ; i++)
        {
            try
            {
                return await attempt(i);
            }
            catch (ZooKeeperException e) when (e is BadVersionException or NoNodeException or NodeExistsException or NotEmptyException)
            {
                if (i == Attempts)
                    throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.FaultWriteConflict,
                        $"The faults kept changing while being written ({e.Message}); nothing was changed. Try again.", e);
            }
        }
    }

    /// <summary>Faults read in one go, and the batch that read them (for the keys' versions).</summary>
    internal sealed record FaultSnapshot(IReadOnlyDictionary<string, Fault> Faults, ZnodeBatch Batch);

    /// <summary>
    /// Reads the faults named (all when <paramref name="ids"/> is null) in two round trips, after checking the
    /// schema version. An unknown id is <see cref="PvcException"/> (NotFound) "FaultNotFound".
    /// </summary>
    internal static async Task<FaultSnapshot> ReadAsync(ZooKeeperClient client, IReadOnlyList<string>? ids, CancellationToken cancellationToken)
    {
        var batch = new ZnodeBatch(client);
        batch.Data(BaseKeys.SchemaVersion).Children(BaseKeys.Faults);
        await batch.ReadAsync(cancellationToken);
        SchemaVersion.EnsureSupported(batch.Text(BaseKeys.SchemaVersion));
        var existing = ListIds(batch);
        var wanted = ids ?? existing.ToList();
        if (wanted.FirstOrDefault(id => !existing.Contains(id)) is { } unknown)
            throw NotFound(unknown);
        foreach (var id in wanted)
            Queue(batch, id);
        await batch.ReadAsync(cancellationToken);
        var faults = new Dictionary<string, Fault>(StringComparer.Ordinal);
        foreach (var id in wanted)
            faults[id] = Decode(batch, id) ?? throw NotFound(id);
        return new FaultSnapshot(faults, batch);
    }

    /// <summary>The fault ids in a batch that listed <c>/faults</c>, lock children left out.</summary>
    internal static HashSet<string> ListIds(ZnodeBatch batch) =>
        LockNodes.Without(batch.ChildrenOf(BaseKeys.Faults) ?? []).ToHashSet(StringComparer.Ordinal);

    /// <summary>Queues the reads of one fault.</summary>
    internal static void Queue(ZnodeBatch batch, string id)
    {
        foreach (var key in FaultKeys.Schema.SubPaths)
            batch.Data(FaultKeys.Path(id, key));
    }

    /// <summary>A fault from a batch that read it (<see cref="Queue"/>); null when it no longer exists.</summary>
    internal static Fault? Decode(ZnodeBatch batch, string id)
    {
        if (batch.StatOf(FaultKeys.Path(id)) is null)
            return null;
        string? Read(string key) => batch.Text(FaultKeys.Path(id, key));
        return new Fault(
            id,
            PvcTime.Decode(Read(FaultKeys.FirstTime)),
            PvcTime.Decode(Read(FaultKeys.LastTime)),
            PvcTime.Decode(Read(FaultKeys.AckTime)),
            Wire.FaultStatus.Decode(Read(FaultKeys.Status)),
            PvcNumber.DecodeInt(Read(FaultKeys.Delta)) ?? 0,
            Read(FaultKeys.Message) ?? "");
    }

    /// <summary>Orders faults as PVC's API does for a sort key (times newest first, nulls last), ties by id.</summary>
    public static IReadOnlyList<Fault> Sort(IEnumerable<Fault> faults, FaultSortKey sortKey)
    {
        ArgumentNullException.ThrowIfNull(faults);
        var ordered = sortKey switch
        {
            FaultSortKey.LastReported => faults.OrderByDescending(f => f.LastReported),
            FaultSortKey.FirstReported => faults.OrderByDescending(f => f.FirstReported),
            FaultSortKey.AcknowledgedAt => faults.OrderByDescending(f => f.AcknowledgedAt),
            FaultSortKey.Status => faults.OrderBy(f => StatusText(f.Status), StringComparer.Ordinal),
            FaultSortKey.HealthDelta => faults.OrderBy(f => f.HealthDelta),
            FaultSortKey.Message => faults.OrderBy(f => f.Message, StringComparer.Ordinal),
            _ => throw new ArgumentOutOfRangeException(nameof(sortKey), sortKey, "Unknown fault sort key."),
        };
        return ordered.ThenBy(f => f.Id, StringComparer.Ordinal).ToList();
    }

    private static string StatusText(FaultStatus status) => status == FaultStatus.Unknown ? "" : Wire.FaultStatus.Encode(status);

    private static PvcException NotFound(string id) =>
        new(PvcErrorKind.NotFound, PvcErrorIds.FaultNotFound, $"No fault with id '{id}' exists; nothing was changed.") { Target = id };
}
