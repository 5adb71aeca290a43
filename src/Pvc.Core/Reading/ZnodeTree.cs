using Pvc.ZooKeeper;

namespace Pvc.Core.Reading;

/// <summary>One znode of a walked subtree.</summary>
/// <param name="Path">The znode's path.</param>
/// <param name="Depth">0 for a walk's root, 1 for its children, ...</param>
/// <param name="Version">The data version when the walk read it, or -1 when the walk did not read data.</param>
internal sealed record ZnodeTreeEntry(string Path, int Depth, int Version);

/// <summary>
/// Walks whole subtrees level by level: one <see cref="ZnodeBatch"/> wave per depth level, however many
/// znodes a level has. Lock children are included (the caller decides what to do with them).
/// </summary>
internal static class ZnodeTree
{
    /// <summary>
    /// Every znode under (and including) each existing root, parents before children. With
    /// <paramref name="withVersions"/> each znode's data is read too, for its version.
    /// </summary>
    internal static async Task<IReadOnlyList<ZnodeTreeEntry>> WalkAsync(ZooKeeperClient client, IEnumerable<string> roots,
        bool withVersions, ReadCounter? counter, CancellationToken cancellationToken)
    {
        var entries = new List<ZnodeTreeEntry>();
        var level = roots.Distinct(StringComparer.Ordinal).ToList();
        var batch = new ZnodeBatch(client, counter);
        for (var depth = 0; level.Count > 0; depth++)
        {
            foreach (var path in level)
            {
                batch.Children(path);
                if (withVersions)
                    batch.Data(path);
            }
            await batch.ReadAsync(cancellationToken);
            var next = new List<string>();
            foreach (var path in level)
            {
                // a znode deleted meanwhile reads as missing: it is simply not part of the tree
                if (batch.ChildrenOf(path) is not { } children)
                    continue;
                if (withVersions && batch.StatOf(path) is null)
                    continue;
                entries.Add(new ZnodeTreeEntry(path, depth, withVersions ? batch.StatOf(path)!.Version : -1));
                next.AddRange(children.Select(c => Child(path, c)));
            }
            level = next;
        }
        return entries;
    }

    /// <summary>The path of a child.</summary>
    public static string Child(string parent, string name) => parent == "/" ? "/" + name : $"{parent}/{name}";
}
