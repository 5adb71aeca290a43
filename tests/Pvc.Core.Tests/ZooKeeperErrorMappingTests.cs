using Pvc.Core.Errors;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.Core.Tests;

/// <summary>
/// The ZooKeeper client's errors, raised by a real server, as Core's callers get them (<see cref="PvcException.From"/>):
/// each of a kind that says what happened, with an id of <see cref="PvcErrorIds"/>.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class ZooKeeperErrorMappingTests(ZooKeeperFixture zk)
{
    private static async Task<PvcException> MappedAsync(Func<Task> call)
    {
        var raised = await Assert.ThrowsAnyAsync<ZooKeeperException>(call);
        return PvcException.From(raised) ?? throw new Xunit.Sdk.XunitException($"{raised.GetType().Name} was not mapped");
    }

    [Fact]
    public async Task A_key_changed_or_gone_between_a_read_and_a_write_is_a_write_conflict_not_a_connection_error()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await PvcSeed.CreateAsync(c.Raw, "/raced/child", "x");
        var changes = new Func<Task>[]
        {
            () => c.Raw.SetDataAsync("/raced", "y"u8.ToArray(), version: 7), // another writer's change came first
            () => c.Raw.SetDataAsync("/gone", "y"u8.ToArray()), // removed meanwhile
            () => c.Raw.CreateAsync("/raced", ReadOnlyMemory<byte>.Empty), // created meanwhile
            () => c.Raw.DeleteAsync("/raced"), // a child added meanwhile
        };
        foreach (var change in changes)
        {
            var error = await MappedAsync(change);
            Assert.Equal((PvcErrorKind.WriteConflict, PvcErrorIds.ClusterChangedMeanwhile), (error.Kind, error.ErrorId));
            Assert.Contains("nothing was written", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task No_reachable_server_is_ClusterUnreachable()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now
        var error = await MappedAsync(() => ZooKeeperClient.ConnectAsync($"127.0.0.1:{port}", new ZooKeeperClientOptions { ConnectTimeout = TimeSpan.FromSeconds(1) }));
        Assert.Equal((PvcErrorKind.ConnectionError, PvcErrorIds.ClusterUnreachable), (error.Kind, error.ErrorId));
    }
}
