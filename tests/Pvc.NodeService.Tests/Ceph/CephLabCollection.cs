using Pvc.Testing.Ceph;

namespace Pvc.NodeService.Tests.Ceph;

/// <summary>Tests that share one one-host Ceph cluster (<see cref="CephLabFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class CephLabCollection : ICollectionFixture<CephLabFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "ceph-lab";
}
