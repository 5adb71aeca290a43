using System.Text;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Schema;
using Pvc.Core.Security;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.Core.Tests;

/// <summary>Writes and dumps test trees with the raw client (never through the code under test, except where named).</summary>
internal static class ZnodeSeed
{
    /// <summary>A fresh chroot initialised as cluster "lab" by the code under test, and a connection to it.</summary>
    public static async Task<ClusterConnection> InitializedAsync(ZooKeeperFixture zk, string name = "lab")
    {
        var connection = await ClusterConnection.ConnectAsync(new() { Servers = [await zk.NewChrootAsync()] });
        await ClusterInitializer.InitializeAsync(connection, new ClusterInitOptions { Name = name, Access = ClusterAccessMode.Open });
        return connection;
    }

    /// <summary>Creates a znode, and its missing parents with "".</summary>
    public static async Task CreateAsync(ZooKeeperClient client, string path, string data = "")
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "";
        for (var i = 0; i < parts.Length; i++)
        {
            current += "/" + parts[i];
            var last = i == parts.Length - 1;
            try
            {
                await client.CreateAsync(current, last ? Encoding.UTF8.GetBytes(data) : ReadOnlyMemory<byte>.Empty);
            }
            catch (NodeExistsException) when (!last)
            {
            }
        }
    }

    /// <summary>Creates a complete element (every key of its schema) with its defaults, some values given, some keys left out.</summary>
    public static async Task ElementAsync(ZooKeeperClient client, ElementSchema schema, string item,
        IReadOnlyDictionary<string, string>? values = null, params string[] omit)
    {
        var ops = new List<Op>();
        foreach (var sub in schema.SubPaths)
        {
            if (omit.Contains(sub))
                continue;
            var value = values is not null && values.TryGetValue(sub, out var v) ? v : schema.DefaultOf(sub);
            ops.Add(Op.Create(schema.Path(item, sub), Encoding.UTF8.GetBytes(value)));
        }
        var root = schema.Root(item);
        var parent = root[..root.LastIndexOf('/')];
        if (await client.ExistsAsync(parent) is null)
            await CreateAsync(client, parent);
        await client.MultiAsync(ops);
    }

    /// <summary>Creates a fault as PVC's health daemon does.</summary>
    public static Task FaultAsync(ZooKeeperClient client, string id, string firstTime, string lastTime, int delta, string message,
        string status = "new", string ackTime = "") =>
        client.MultiAsync(
        [
            Op.Create(FaultKeys.Path(id), ReadOnlyMemory<byte>.Empty),
            Op.Create(FaultKeys.Path(id, FaultKeys.FirstTime), Encoding.UTF8.GetBytes(firstTime)),
            Op.Create(FaultKeys.Path(id, FaultKeys.LastTime), Encoding.UTF8.GetBytes(lastTime)),
            Op.Create(FaultKeys.Path(id, FaultKeys.AckTime), Encoding.UTF8.GetBytes(ackTime)),
            Op.Create(FaultKeys.Path(id, FaultKeys.Status), Encoding.UTF8.GetBytes(status)),
            Op.Create(FaultKeys.Path(id, FaultKeys.Delta), Encoding.UTF8.GetBytes(delta.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            Op.Create(FaultKeys.Path(id, FaultKeys.Message), Encoding.UTF8.GetBytes(message)),
        ]);

    /// <summary>The whole tree under the root: path to (data, data version, creation zxid).</summary>
    public static async Task<SortedDictionary<string, (string Data, int Version, long Created)>> DumpAsync(ZooKeeperClient client)
    {
        var tree = new SortedDictionary<string, (string, int, long)>(StringComparer.Ordinal);
        async Task WalkAsync(string path)
        {
            var data = await client.GetDataAsync(path);
            tree[path] = (Encoding.UTF8.GetString(data.Data), data.Stat.Version, data.Stat.CreatedZxid);
            foreach (var child in (await client.GetChildrenAsync(path)).Children)
                await WalkAsync(path == "/" ? "/" + child : $"{path}/{child}");
        }
        await WalkAsync("/");
        return tree;
    }

    /// <summary>Reads a znode's data as text, or null when it does not exist.</summary>
    public static async Task<string?> ReadAsync(ZooKeeperClient client, string path)
    {
        try
        {
            return Encoding.UTF8.GetString((await client.GetDataAsync(path)).Data);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }

    /// <summary>A kazoo-style lock child name.</summary>
    public static string LockName(int sequence = 1, bool read = false) =>
        $"{Guid.NewGuid():N}{(read ? "__rlock__" : "__lock__")}{sequence:D10}";
}
