namespace Pvc.PowerShell.Tests.BadInput;

/// <summary>The bad-input tests: one cluster of their own, shared (see <see cref="BadInputCluster"/>).</summary>
[CollectionDefinition(Name)]
public sealed class BadInputCollection : ICollectionFixture<BadInputCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "bad-input";
}
