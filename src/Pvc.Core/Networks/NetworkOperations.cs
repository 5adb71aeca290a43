using System.Globalization;
using System.Text;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.ZooKeeper;

namespace Pvc.Core.Networks;

/// <summary>
/// The operations on networks (<c>cluster.Networks</c>), with PVC's key formats so PVC's tools read what they write.
/// Each change is one ZooKeeper transaction that checks the versions of what its decision was based on (and bumps the
/// version of the folder whose children must stay unique: <c>/networks</c> for descriptions, a network's reservations
/// and rule folders for theirs), so a concurrent change fails it with nothing written.
/// </summary>
public sealed partial class NetworkOperations(ClusterConnection cluster)
{
    private readonly NetworkReader _reader = new(cluster);

    private ZooKeeperClient Zk => cluster.ZooKeeper;

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <inheritdoc cref="NetworkReader.ListAsync(string?, CancellationToken, ReadCounter?)"/>
    public Task<IReadOnlyList<Network>> ListAsync(string? limit = null, CancellationToken cancellationToken = default, ReadCounter? counter = null) =>
        _reader.ListAsync(limit, cancellationToken, counter);

    /// <inheritdoc cref="NetworkReader.ListAsync(LimitPattern?, CancellationToken, ReadCounter?)"/>
    public Task<IReadOnlyList<Network>> ListAsync(LimitPattern? limit, CancellationToken cancellationToken = default, ReadCounter? counter = null) =>
        _reader.ListAsync(limit, cancellationToken, counter);

    /// <inheritdoc cref="NetworkReader.GetAsync(int, CancellationToken, ReadCounter?)"/>
    public Task<Network> GetAsync(int vni, CancellationToken cancellationToken = default, ReadCounter? counter = null) =>
        _reader.GetAsync(vni, cancellationToken, counter);

    /// <inheritdoc cref="NetworkReader.GetAsync(string, CancellationToken, ReadCounter?)"/>
    public Task<Network> GetAsync(string network, CancellationToken cancellationToken = default, ReadCounter? counter = null) =>
        _reader.GetAsync(network, cancellationToken, counter);

    /// <summary>Adds a network (<c>pvc network add</c>): its keys and PVC's empty folders, in one transaction.</summary>
    /// <returns>The network as written.</returns>
    /// <exception cref="PvcException">
    /// InvalidArgument (see <see cref="NetworkValidation.Validate"/>); AlreadyExists: "NetworkAlreadyExists" (the VNI),
    /// "NetworkDescriptionInUse"; WriteConflict: "NetworkChangedMeanwhile".
    /// </exception>
    public async Task<Network> AddAsync(NetworkSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var network = spec.ToNetwork();
        NetworkValidation.Validate(network);
        var vni = network.Vni;
        var read = await ReadVersionsAsync([BaseKeys.Networks, NetworkKeys.Path(vni)], cancellationToken);
        if (read[NetworkKeys.Path(vni)] is { } existing)
            throw new PvcException(PvcErrorKind.AlreadyExists, PvcErrorIds.NetworkAlreadyExists,
                $"The network {vni} ('{existing}') exists already. Change it, or pick another VNI.") { Target = vni };
        await RefuseDuplicateDescriptionAsync(network.Description, vni, cancellationToken);

        var writes = new List<Op> { BumpFolder(read, BaseKeys.Networks) };
        writes.AddRange(NetworkEncoding.Keys(network).Select(k => Op.Create(NetworkKeys.Path(vni, k.Key), Utf8(k.Text))));
        writes.AddRange(NetworkEncoding.Folders.Select(f => Op.Create(NetworkKeys.Path(vni, f), Utf8(""))));
        await CommitAsync(vni, read, writes, cancellationToken);
        return network;
    }

    /// <summary>
    /// Changes a network (<c>pvc network modify</c>): the network as it would be after the change is validated whole,
    /// and only the keys whose text changes are written.
    /// </summary>
    /// <returns>The network as written.</returns>
    /// <exception cref="PvcException">
    /// NotFound: "NetworkNotFound"; InvalidArgument: "NoChange" or a validation id; AlreadyExists: "NetworkDescriptionInUse";
    /// WriteConflict: "NetworkChangedMeanwhile".
    /// </exception>
    public async Task<Network> ModifyAsync(string network, NetworkChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.IsEmpty)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.NoChange, $"Nothing to change on the network '{network}': give at least one new value.") { Target = network };
        var vni = await ResolveVniAsync(network, cancellationToken);
        var paths = NetworkEncoding.Keys(new Network { Vni = vni, Description = "", Type = NetworkType.Managed }).Select(k => NetworkKeys.Path(vni, k.Key)).ToList();
        var read = await ReadVersionsAsync([BaseKeys.Networks, .. paths], cancellationToken);
        var current = await _reader.GetAsync(vni, cancellationToken);
        var changed = change.ApplyTo(current);
        NetworkValidation.Validate(changed);
        if (changed.Description != current.Description)
            await RefuseDuplicateDescriptionAsync(changed.Description, vni, cancellationToken);

        var writes = new List<Op>();
        foreach (var (key, text) in NetworkEncoding.Keys(changed))
        {
            var path = NetworkKeys.Path(vni, key);
            if (read[path] is null)
                writes.Add(Op.Create(path, Utf8(text)));
            else if (read[path] != text && PvcText.Decode(read[path]) != PvcText.Decode(text))
                writes.Add(Op.SetData(path, Utf8(text)));
        }
        if (writes.Count == 0)
            return changed;
        if (changed.Description != current.Description)
            writes.Add(BumpFolder(read, BaseKeys.Networks));
        await CommitAsync(vni, read, writes, cancellationToken);
        return changed;
    }

    /// <summary>
    /// Removes a network and everything under it (<c>pvc network remove</c>). A network that VMs have NICs on is refused
    /// unless <paramref name="force"/> (the VMs keep NICs on a bridge that the nodes then take down).
    /// </summary>
    /// <returns>The network as it was.</returns>
    /// <exception cref="PvcException">NotFound: "NetworkNotFound"; InvalidOperation: "NetworkInUse"; WriteConflict: "NetworkChangedMeanwhile".</exception>
    public async Task<Network> RemoveAsync(string network, bool force = false, CancellationToken cancellationToken = default)
    {
        var current = await _reader.GetAsync(network, cancellationToken);
        var vni = current.Vni;
        // the root's own data (the description) is what this removal was asked for: checked in the transaction, so a
        // network removed meanwhile, or removed and made again under the same VNI, is not deleted in its place
        var root = await Zk.ExistsAsync(NetworkKeys.Path(vni), cancellationToken: cancellationToken)
            ?? throw NotFoundMeanwhile(vni);
        if (!force)
        {
            var users = (await cluster.Vms.ListAsync(cancellationToken: cancellationToken))
                .Where(vm => vm.Nics.Any(n => n.Vni == vni)).Select(vm => vm.Name).Order(StringComparer.Ordinal).ToList();
            if (users.Count > 0)
                throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.NetworkInUse,
                    $"The network {vni} ('{current.Description}') has VMs on it: {string.Join(", ", users)}; nothing was removed. Remove their NICs first, or force the removal under them.")
                { Target = current.Description, Detail = users };
        }
        // whatever the keys hold goes, so their versions are not checked: the primary's lease hook and the nodes' MTU
        // write-back keep writing a live network's keys. A key made or removed during the walk fails the one
        // transaction (nothing is deleted), and the tree is walked again
        const int Attempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            var tree = await ZnodeTree.WalkAsync(Zk, [NetworkKeys.Path(vni)], withVersions: false, null, cancellationToken);
            if (tree.Count == 0)
                throw NotFoundMeanwhile(vni);
            try
            {
                await Zk.MultiAsync([Op.Check(NetworkKeys.Path(vni), root.Version), .. tree.OrderByDescending(e => e.Depth).Select(e => Op.Delete(e.Path))], cancellationToken);
                return current;
            }
            catch (BadVersionException e)
            {
                throw ChangedMeanwhile(vni, e);
            }
            catch (ZooKeeperException e) when (e is NoNodeException or NotEmptyException)
            {
                if (attempt >= Attempts)
                    throw ChangedMeanwhile(vni, e);
            }
        }
    }

    /// <summary>The VNI of a network named by its VNI or description.</summary>
    private async Task<int> ResolveVniAsync(string network, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        return int.TryParse(network, NumberStyles.None, CultureInfo.InvariantCulture, out var vni)
            ? vni
            : (await _reader.GetAsync(network, cancellationToken)).Vni;
    }

    private async Task RefuseDuplicateDescriptionAsync(string description, int vni, CancellationToken cancellationToken)
    {
        var other = (await _reader.ListAsync((string?)null, cancellationToken)).FirstOrDefault(n => n.Vni != vni && n.Description == description);
        if (other is not null)
            throw new PvcException(PvcErrorKind.AlreadyExists, PvcErrorIds.NetworkDescriptionInUse,
                $"The network {other.Vni} is already described as '{description}': descriptions name networks, so each is unique. Pick another.") { Target = description };
    }

    /// <summary>Reads keys with their versions, and checks the cluster's schema version with them.</summary>
    private async Task<VersionedKeys> ReadVersionsAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var read = await VersionedKeys.ReadAsync(Zk, paths.Prepend(BaseKeys.SchemaVersion), cancellationToken);
        SchemaVersion.EnsureSupported(read[BaseKeys.SchemaVersion]);
        return read;
    }

    /// <summary>
    /// Rewrites a folder's own (empty) data at the version read: writers of its children that must stay unique then
    /// conflict instead of both succeeding. PVC reads no data there.
    /// </summary>
    private static Op BumpFolder(VersionedKeys read, string path) => Op.SetData(path, Utf8(read[path] ?? ""));

    private async Task CommitAsync(int vni, VersionedKeys read, IEnumerable<Op> writes, CancellationToken cancellationToken)
    {
        try
        {
            await Zk.MultiAsync(read.Checks.Concat(writes), cancellationToken);
        }
        catch (ZooKeeperException e) when (e is BadVersionException or NoNodeException or NodeExistsException)
        {
            throw ChangedMeanwhile(vni, e);
        }
    }

    private static PvcException NotFoundMeanwhile(int vni) =>
        new(PvcErrorKind.NotFound, PvcErrorIds.NetworkNotFound, $"The network {vni} was removed by someone else meanwhile; nothing was removed.") { Target = vni };

    private static PvcException ChangedMeanwhile(int vni, Exception inner) =>
        new(PvcErrorKind.WriteConflict, PvcErrorIds.NetworkChangedMeanwhile,
            $"The network {vni} was changed by someone else while this change was prepared; nothing was written. Try again.", inner) { Target = vni };
}
