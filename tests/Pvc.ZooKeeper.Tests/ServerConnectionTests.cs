using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper.Protocol;

namespace Pvc.ZooKeeper.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class ServerConnectionTests(ZooKeeperFixture zk)
{
    /// <summary>
    /// The session loop disposes a connection that ended while a closing client still stops it: a fresh-clone run saw
    /// CloseAsync fail with ObjectDisposedException (EnsembleTests, the connected member killed). Stopping a connection
    /// that is gone is a no-op, and so is disposing it twice.
    /// </summary>
    [Fact]
    public async Task A_connection_that_was_disposed_can_be_stopped_and_disposed_again()
    {
        var connection = await ServerConnection.OpenAsync(new DnsEndPointText("127.0.0.1", zk.Server.ClientPort), null, TimeSpan.FromSeconds(10), default);
        await connection.DisposeAsync();

        connection.Stop();
        await connection.DisposeAsync();
    }
}
