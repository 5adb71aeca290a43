using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Fencing;

/// <summary>
/// The fencing tests, on a ZooKeeper server of their own: they spend minutes waiting out keepalive and fence
/// intervals, so they run beside the other collections instead of after them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FencingCollection : ICollectionFixture<ZooKeeperFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "zookeeper-fencing";
}
