using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>
/// The nemesis runs, on a ZooKeeper server of their own: long fault schedules that run beside the other collections
/// instead of after them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class NemesisCollection : ICollectionFixture<ZooKeeperFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "zookeeper-nemesis";
}
