using System.Text;
using Pvc.ZooKeeper;

namespace Pvc.Testing.Pvc;

public static partial class PvcSeed
{
    /// <summary>Queues znodes to write in transactions (<see cref="SeedBatch"/>), with their missing parents.</summary>
    public static SeedBatch Batch(ZooKeeperClient zk) => new(zk);

    /// <summary>Creates a znode, and its missing parents with "" (PVC's folders are "" too).</summary>
    public static Task CreateAsync(ZooKeeperClient zk, string path, string data = "") => Batch(zk).Add(path, data).CommitAsync();

    /// <summary>
    /// The name of a lock child as kazoo's Lock makes it: its uuid, <c>__lock__</c> (<c>__rlock__</c> for a read
    /// lock) and the ten-digit sequence the server appends (left out when <paramref name="sequence"/> is null, for a
    /// sequential create).
    /// </summary>
    public static string LockName(int? sequence = 1, bool read = false) =>
        $"{Guid.NewGuid():N}{(read ? "__rlock__" : "__lock__")}{sequence?.ToString("D10", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>A lock child as kazoo's Lock leaves it under a data znode (an ephemeral sequential node of this session).</summary>
    public static Task<string> AddLockChildAsync(ZooKeeperClient zk, string path, bool read = false) =>
        zk.CreateAsync($"{path}/{LockName(null, read)}", B("kazoo-holder"), CreateMode.EphemeralSequential);

    /// <summary>Reads a znode's data as text, or null when it does not exist.</summary>
    public static async Task<string?> ReadAsync(ZooKeeperClient zk, string path)
    {
        try
        {
            return Encoding.UTF8.GetString((await zk.GetDataAsync(path)).Data);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    /// <summary>
    /// The whole tree under <paramref name="root"/>: path to (data, data version, creation zxid), for before/after
    /// comparisons (a znode deleted and made again differs in its zxid).
    /// </summary>
    public static async Task<SortedDictionary<string, (string Data, int Version, long Created)>> DumpAsync(ZooKeeperClient zk, string root = "/")
    {
        var tree = new SortedDictionary<string, (string, int, long)>(StringComparer.Ordinal);
        async Task WalkAsync(string path)
        {
            var data = await zk.GetDataAsync(path);
            tree[path] = (Encoding.UTF8.GetString(data.Data), data.Stat.Version, data.Stat.CreatedZxid);
            foreach (var child in (await zk.GetChildrenAsync(path)).Children)
                await WalkAsync(path == "/" ? "/" + child : $"{path}/{child}");
        }
        await WalkAsync(root);
        return tree;
    }
}
