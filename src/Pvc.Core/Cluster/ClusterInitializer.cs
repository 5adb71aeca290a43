using System.Text;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Security;
using Pvc.Core.Vms;
using Pvc.ZooKeeper;

namespace Pvc.Core.Cluster;

/// <summary>
/// Initialises a PVC cluster (schema version 15) on a ZooKeeper: creates every base key
/// (<see cref="BaseKeys.All"/>) with PVC's initial values.
/// </summary>
/// <remarks>
/// Unlike PVC's own <c>pvc cluster init</c>, which writes schema version 0 and leaves the primary node's
/// migration to reach 15, the keys are written at version 15 directly, so the cluster is usable at once.
/// </remarks>
public static class ClusterInitializer
{
    /// <summary>How many bytes of operations one transaction may carry (ZooKeeper's default jute.maxbuffer is 1 MiB).</summary>
    internal const int DefaultTransactionBudget = 512 * 1024;

    private const int Attempts = 3;

    /// <summary>
    /// Every base key and the value a new cluster gets: the schema version, the name, maintenance "false",
    /// primary node "none", the target selector, and "" for the rest. Parents come before children.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The selector is <see cref="NodeSelector.Default"/>, which a cluster cannot have.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> InitialValues(string name, NodeSelector migrationTargetSelector = NodeSelector.Mem)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (migrationTargetSelector == NodeSelector.Default)
            throw new ArgumentOutOfRangeException(nameof(migrationTargetSelector), migrationTargetSelector,
                "The cluster's target selector must be a real selector (mem, memprov, load, vcpus or vms), not the VM-level default.");
        return BaseKeys.All.Select(path => KeyValuePair.Create(path, path switch
        {
            BaseKeys.SchemaVersion => PvcNumber.Encode(SchemaVersion.Current),
            BaseKeys.Config => name,
            BaseKeys.Maintenance => PvcBool.EncodeLowercase(false),
            BaseKeys.PrimaryNode => "none",
            BaseKeys.MigrationTargetSelector => Wire.NodeSelector.Encode(migrationTargetSelector),
            _ => "",
        })).ToList();
    }

    /// <summary>
    /// Initialises the cluster. On a ZooKeeper without PVC data every base key is created in one transaction:
    /// all of them or none.
    /// </summary>
    /// <remarks>
    /// <para>With <see cref="ClusterInitOptions.Overwrite"/> the subtrees of the base keys' top-level znodes
    /// (<c>/schema</c>, <c>/config</c>, <c>/logs</c>, <c>/faults</c>, <c>/nodes</c>, <c>/domains</c>,
    /// <c>/networks</c>, <c>/ceph</c>) are deleted, lock children included, and the base keys re-created.
    /// Other root znodes (<c>/zookeeper</c>, <c>/patroni</c>, anything unknown) are never touched.</para>
    /// <para>Access: a closed cluster (the default) carries, on every znode, an ACL that grants everything to the
    /// connection's digest user and the granted credentials and nothing to anyone else, and the chroot's znode gets it too;
    /// the connection then creates every znode with it. An open cluster is PVC's: world:anyone on everything (a chroot
    /// a closed cluster had is opened again).</para>
    /// <para>Atomicity: when the deletions and creations together fit in one transaction (about 512 KiB of
    /// operations, some thousands of znodes), they are one transaction: the old cluster is replaced
    /// entirely or not at all, and a znode created under the old tree meanwhile makes the whole transaction
    /// fail and be retried. A larger tree is deleted in several transactions, deepest znodes first, and then
    /// the base keys are created in one: if that is interrupted, part of the old tree may be gone while no
    /// new cluster exists yet; running the overwrite again completes it. A running node service re-creating
    /// its keys during an overwrite can make it fail (retried, then a write-conflict error): stop the nodes first.</para>
    /// </remarks>
    /// <exception cref="PvcException">InvalidArgument: "InvalidClusterName": the name is empty or not a single line.</exception>
    /// <exception cref="PvcException">InvalidOperation: 
    /// "ClusterAlreadyInitialized": <c>/schema/version</c> exists and overwrite was not asked for.
    /// "ClusterDataPresent": there is no schema version but some base keys exist, and overwrite was not asked for.
    /// Nothing is changed in either case.
    /// </exception>
    /// <exception cref="PvcException">InvalidOperation: 
    /// "CredentialRequired": a closed cluster asked of a connection without credentials.
    /// "ChrootNotAdministrable": the connection may not close the chroot's znode. Nothing is changed in either case.
    /// </exception>
    /// <exception cref="PvcException">WriteConflict: "ClusterChangedDuringInitialization": the tree kept changing meanwhile.</exception>
    public static Task InitializeAsync(ClusterConnection connection, ClusterInitOptions options, CancellationToken cancellationToken = default) =>
        InitializeCoreAsync(connection, options, DefaultTransactionBudget, cancellationToken);

    internal static async Task InitializeCoreAsync(ClusterConnection connection, ClusterInitOptions options, int transactionBudget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Name) || options.Name.IndexOfAny(['\r', '\n']) >= 0)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidClusterName, "The cluster name must be a non-empty single line.") { Target = options.Name };
        if (options.MigrationTargetSelector == NodeSelector.Default)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTargetSelector,
                "The cluster's target selector must be mem, memprov, load, vcpus or vms.") { Target = options.MigrationTargetSelector };

        var acl = AclFor(connection, options);
        var creates = InitialValues(options.Name, options.MigrationTargetSelector)
            .Select(kv => Op.Create(kv.Key, Encoding.UTF8.GetBytes(kv.Value), acl: acl))
            .ToList();
        var client = connection.ZooKeeper;
        for (var attempt = 1; ; attempt++)
        {
            var existing = await ExistingTopLevelAsync(client, cancellationToken);
            if (existing.Count > 0 && !options.Overwrite)
                throw Refusal(existing);
            if (attempt == 1)
                await SetChrootAccessAsync(connection, options.Access, acl, cancellationToken);
            try
            {
                if (existing.Count == 0)
                {
                    await client.MultiAsync(creates, cancellationToken);
                    connection.ApplyAccess(options.Access, acl);
                    return;
                }
                var tree = await ZnodeTree.WalkAsync(client, existing.Keys.Intersect(TopLevelKeys), withVersions: false, null, cancellationToken);
                var deletes = tree.OrderByDescending(e => e.Depth).Select(e => Op.Delete(e.Path)).ToList();
                if (Size(deletes) + Size(creates) <= transactionBudget)
                {
                    await client.MultiAsync([.. deletes, .. creates], cancellationToken);
                    connection.ApplyAccess(options.Access, acl);
                    return;
                }
                foreach (var chunk in Chunks(deletes, transactionBudget))
                    await client.MultiAsync(chunk, cancellationToken);
                await client.MultiAsync(creates, cancellationToken);
                connection.ApplyAccess(options.Access, acl);
                return;
            }
            catch (ZooKeeperException e) when (e is NodeExistsException or NoNodeException or NotEmptyException)
            {
                // someone changed the tree between our reads and our transaction: nothing of that transaction was applied
                if (attempt == Attempts)
                    throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.ClusterChangedDuringInitialization,
                        $"The cluster's znodes kept changing while it was being initialised ({e.Message}). Stop the node services and try again.", e);
            }
        }
    }

    /// <summary>The ACL of every znode of the new cluster.</summary>
    private static IReadOnlyList<Acl> AclFor(ClusterConnection connection, ClusterInitOptions options)
    {
        if (options.Access == ClusterAccessMode.Open)
            return Acl.OpenUnsafe;
        // without its own identity in the ACL the initialising session would lock itself out of what it creates
        if (connection.Credential is not { } own)
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.CredentialRequired,
                "A closed cluster is readable only by its digest users, and this connection has no credentials: connect with a " +
                "user name and password, or initialise an open, PVC-compatible cluster.");
        return ClusterAcl.Closed([own, .. options.GrantedCredentials]);
    }

    /// <summary>
    /// Gives the chroot's own znode the cluster's access: closed, since while it is open anyone may create znodes beside
    /// the cluster's and delete those of its top-level znodes that have no children; open again for an open cluster
    /// that replaces a closed one, so that PVC's tools can create their top-level znodes. The ZooKeeper root (no
    /// chroot) is left alone: it is shared with everything else on the ensemble.
    /// </summary>
    private static async Task SetChrootAccessAsync(ClusterConnection connection, ClusterAccessMode access, IReadOnlyList<Acl> acl, CancellationToken cancellationToken)
    {
        var client = connection.ZooKeeper;
        if (client.Chroot is null)
            return;
        try
        {
            var (current, _) = await client.GetAclAsync("/", cancellationToken);
            if (access == ClusterAccessMode.Open ? ClusterAcl.ModeOf(current) == ClusterAccessMode.Open : current.SequenceEqual(acl))
                return;
            await client.SetAclAsync("/", acl, cancellationToken: cancellationToken);
        }
        catch (NoAuthException e)
        {
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.ChrootNotAdministrable,
                $"This connection may not change the ACL of the chroot {client.Chroot} ({e.Message}). Nothing was created; " +
                "connect as a user with the Admin permission on the chroot, or give the cluster a chroot of its own.");
        }
    }

    /// <summary>The top-level base znodes that exist, with the data of <c>/schema/version</c> when it exists.</summary>
    private static async Task<Dictionary<string, string?>> ExistingTopLevelAsync(ZooKeeperClient client, CancellationToken cancellationToken)
    {
        var batch = new ZnodeBatch(client).Children("/").Data(BaseKeys.SchemaVersion);
        await batch.ReadAsync(cancellationToken);
        var rootChildren = (batch.ChildrenOf("/") ?? []).ToHashSet(StringComparer.Ordinal);
        var existing = TopLevelKeys.Where(k => rootChildren.Contains(k[1..])).ToDictionary(k => k, k => (string?)null, StringComparer.Ordinal);
        if (batch.Text(BaseKeys.SchemaVersion) is { } version)
            existing[BaseKeys.SchemaVersion] = version;
        return existing;
    }

    private static PvcException Refusal(Dictionary<string, string?> existing) =>
        existing.TryGetValue(BaseKeys.SchemaVersion, out var version)
            ? new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.ClusterAlreadyInitialized,
                $"This ZooKeeper already holds a PVC cluster (schema version '{version}'). Nothing was changed; " +
                "initialise with overwrite to delete that cluster's data and start afresh.")
            : new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.ClusterDataPresent,
                $"This ZooKeeper holds PVC keys ({string.Join(", ", existing.Keys.Order(StringComparer.Ordinal))}) but no schema version. " +
                "Nothing was changed; initialise with overwrite to delete them and start afresh.");

    /// <summary>The base keys directly under the root: the tops of the subtrees an overwrite deletes.</summary>
    internal static IReadOnlyList<string> TopLevelKeys { get; } = BaseKeys.All.Where(k => k.LastIndexOf('/') == 0).ToList();

    /// <summary>An estimate of the operations' size on the wire (path, data, ACL and framing).</summary>
    private static long Size(IEnumerable<Op> ops) => ops.Sum(op => 32L + Encoding.UTF8.GetByteCount(op.Path) + op switch
    {
        CreateOp c => c.Data.Length + 8 + (c.Acl ?? Acl.OpenUnsafe).Sum(a => 12 + a.Scheme.Length + a.Id.Length),
        _ => 0,
    });

    private static IEnumerable<List<Op>> Chunks(IEnumerable<Op> ops, int budget)
    {
        var chunk = new List<Op>();
        long size = 0;
        foreach (var op in ops)
        {
            var s = Size([op]);
            if (chunk.Count > 0 && size + s > budget)
            {
                yield return chunk;
                chunk = [];
                size = 0;
            }
            chunk.Add(op);
            size += s;
        }
        if (chunk.Count > 0)
            yield return chunk;
    }
}
