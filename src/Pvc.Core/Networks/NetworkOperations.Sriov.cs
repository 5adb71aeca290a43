using Pvc.Core.Errors;

namespace Pvc.Core.Networks;

public sealed partial class NetworkOperations
{
    /// <summary>
    /// The SR-IOV physical functions of a node, or of every node when <paramref name="node"/> is null, sorted by node
    /// and name; each lists the VFs whose PF it is (<c>pvc network sriov pf list</c>).
    /// </summary>
    /// <exception cref="PvcException">NotFound: "NodeNotFound". InvalidArgument: "InvalidNodeName".</exception>
    public async Task<IReadOnlyList<SriovPf>> ListSriovPfsAsync(string? node = null, CancellationToken cancellationToken = default) =>
        (await SriovReader.ReadAsync(cluster.ZooKeeper, node, cancellationToken)).Pfs;

    /// <summary>
    /// The SR-IOV virtual functions of a node, or of every node when <paramref name="node"/> is null, sorted by node and
    /// name; only those of the physical function <paramref name="pf"/> when it is given (<c>pvc network sriov vf list</c>).
    /// </summary>
    /// <exception cref="PvcException">NotFound: "NodeNotFound", "SriovPfNotFound" (no such PF on the node(s)). InvalidArgument: "InvalidNodeName".</exception>
    public async Task<IReadOnlyList<SriovVf>> ListSriovVfsAsync(string? node = null, string? pf = null, CancellationToken cancellationToken = default)
    {
        var (pfs, vfs) = await SriovReader.ReadAsync(cluster.ZooKeeper, node, cancellationToken);
        if (pf is null)
            return vfs;
        if (!pfs.Any(p => p.Name == pf))
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.SriovPfNotFound,
                $"{(node is null ? "No node records" : $"Node '{node}' records no")} SR-IOV physical function '{pf}'; list the physical functions to see which exist.") { Target = pf };
        return [.. vfs.Where(v => v.Pf == pf)];
    }
}
