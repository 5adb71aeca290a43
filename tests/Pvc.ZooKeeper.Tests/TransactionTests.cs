using System.Text;
using Pvc.Testing.ZooKeeper;

namespace Pvc.ZooKeeper.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class TransactionTests(ZooKeeperFixture zk)
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task Multi_applies_every_operation_and_reports_each_result()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(await zk.NewChrootAsync());
        await client.CreateAsync("/vm", B("old"));
        await client.CreateAsync("/gone", B(""));

        var results = await client.MultiAsync(
        [
            Op.Check("/vm", 0),
            Op.SetData("/vm", B("new"), 0),
            Op.Create("/vm/state", B("start")),
            Op.Create("/seq-", B(""), CreateMode.PersistentSequential),
            Op.Delete("/gone"),
        ]);

        Assert.IsType<OpResult.Checked>(results[0]);
        Assert.Equal(1, Assert.IsType<OpResult.DataSet>(results[1]).Stat.Version);
        Assert.Equal("/vm/state", Assert.IsType<OpResult.Created>(results[2]).Path);
        Assert.Matches(@"^/seq-\d{10}$", Assert.IsType<OpResult.Created>(results[3]).Path);
        Assert.IsType<OpResult.Deleted>(results[4]);
        Assert.Equal("new", Encoding.UTF8.GetString((await client.GetDataAsync("/vm")).Data));
        Assert.Equal("start", Encoding.UTF8.GetString((await client.GetDataAsync("/vm/state")).Data));
        Assert.Null(await client.ExistsAsync("/gone"));
    }

    [Fact]
    public async Task A_failing_operation_leaves_nothing_written()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(await zk.NewChrootAsync());
        await client.CreateAsync("/vm", B("old"));
        await client.SetDataAsync("/vm", B("v1")); // version 1 now

        var failure = await Assert.ThrowsAsync<BadVersionException>(() => client.MultiAsync(
        [
            Op.Create("/a", B("a")),
            Op.SetData("/vm", B("written?")),
            Op.Check("/vm", 0), // stale: fails the whole transaction
            Op.Create("/b", B("b")),
        ]));

        Assert.Equal(2, failure.FailedOperationIndex);
        Assert.Equal("/vm", failure.Path);
        var results = failure.TransactionResults!;
        Assert.Equal(4, results.Count);
        Assert.Equal(ZooKeeperErrorCode.BadVersion, Assert.IsType<OpResult.Failed>(results[2]).Code);
        Assert.All(results, r => Assert.IsType<OpResult.Failed>(r));

        Assert.Null(await client.ExistsAsync("/a"));
        Assert.Null(await client.ExistsAsync("/b"));
        var vm = await client.GetDataAsync("/vm");
        Assert.Equal("v1", Encoding.UTF8.GetString(vm.Data));
        Assert.Equal(1, vm.Stat.Version);
    }

    [Fact]
    public async Task Transaction_errors_are_typed_like_single_operations()
    {
        await using var client = await ZooKeeperClient.ConnectAsync(await zk.NewChrootAsync());
        await client.CreateAsync("/x", B(""));
        var exists = await Assert.ThrowsAsync<NodeExistsException>(() => client.MultiAsync([Op.Create("/y", B("")), Op.Create("/x", B(""))]));
        Assert.Equal(1, exists.FailedOperationIndex);
        var missing = await Assert.ThrowsAsync<NoNodeException>(() => client.MultiAsync([Op.Delete("/nothing")]));
        Assert.Equal(0, missing.FailedOperationIndex);
        Assert.Null(await client.ExistsAsync("/y"));
    }
}
