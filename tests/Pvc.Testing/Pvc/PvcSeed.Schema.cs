using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Testing.Pvc;

public static partial class PvcSeed
{
    /// <summary>
    /// A complete element of Core's schema table (every key with its default), some values given, some keys left out:
    /// for tests of the schema itself (the validator, the initializer). The element's parent folder is made if missing.
    /// </summary>
    public static async Task ElementAsync(ZooKeeperClient zk, ElementSchema schema, string item,
        IReadOnlyDictionary<string, string>? values = null, params string[] omit)
    {
        var root = schema.Root(item);
        var parent = root[..root.LastIndexOf('/')];
        if (await zk.ExistsAsync(parent) is null)
            await CreateAsync(zk, parent);
        var ops = new List<Op>();
        foreach (var sub in schema.SubPaths)
        {
            if (omit.Contains(sub))
                continue;
            var value = values is not null && values.TryGetValue(sub, out var v) ? v : schema.DefaultOf(sub);
            ops.Add(Op.Create(schema.Path(item, sub), B(value)));
        }
        await zk.MultiAsync(ops);
    }
}
