namespace Pvc.NodeService.Tests.Lab;

/// <summary>Tests on the two QEMU hosts of one <see cref="QemuLabFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class QemuLabCollection : ICollectionFixture<QemuLabFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "qemu-lab";
}
