using System.Text;
using Pvc.Core.Reading;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.Core.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class ZnodeBatchTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task Slots_and_paths_read_across_pages_and_waves_each_range_reported_once()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await c.Raw.CreateAsync("/many", ReadOnlyMemory<byte>.Empty);
        await Task.WhenAll(Enumerable.Range(0, 2600).Select(i => c.Raw.CreateAsync($"/many/k{i}", Encoding.UTF8.GetBytes($"v{i}"))));
        var counter = new ReadCounter();
        var batch = new ZnodeBatch(c.Connection.ZooKeeper, counter).Children("/many");
        await batch.ReadAsync(CancellationToken.None);

        // a first wave that ends inside a page, a second that starts there and spans two more, with a path-keyed read,
        // a missing znode and a children listing among the slots
        var first = Enumerable.Range(0, 1500).Select(i => batch.DataSlot($"/many/k{i}")).ToList();
        await batch.ReadAsync(CancellationToken.None);
        var second = Enumerable.Range(1500, 1100).Select(i => batch.DataSlot($"/many/k{i}")).ToList();
        batch.Data("/many/k7");
        var missing = batch.DataSlot("/many/none");
        var children = batch.ChildrenSlot("/many");
        var seen = new int[children + 1];
        await batch.ReadAsync((start, count) =>
        {
            for (var i = start; i < start + count; i++)
                Interlocked.Increment(ref seen[i]);
        }, CancellationToken.None);

        Assert.Equal(2600, batch.ChildrenOf("/many")!.Count);
        Assert.All(first.Concat(second).Select((slot, i) => (slot, i)), x => Assert.Equal($"v{x.i}", batch.Text(x.slot)));
        Assert.Equal("v7", batch.Text("/many/k7"));
        Assert.Null(batch.Text(missing));
        Assert.Equal(2600, batch.ChildrenOf(children)!.Count);
        Assert.All(seen.Skip(second[0]), n => Assert.Equal(1, n));
        Assert.All(seen.Take(second[0]), n => Assert.Equal(0, n));
        Assert.Equal((3, 1 + 1500 + 1100 + 3), (counter.Waves, counter.Reads));
    }
}
