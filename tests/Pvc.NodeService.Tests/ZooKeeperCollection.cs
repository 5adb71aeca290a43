using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests;

/// <summary>Tests that share one private ZooKeeper server (each in its own chroot).</summary>
[CollectionDefinition(Name)]
public sealed class ZooKeeperCollection : ICollectionFixture<ZooKeeperFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "zookeeper";
}
