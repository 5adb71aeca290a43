namespace Pvc.Architecture.Tests;

/// <summary>
/// The arrows between the assemblies (PowerShell -> Core -> ZooKeeper, NodeService -> Core -> ZooKeeper) and
/// between Core's folders (no cycle), read from the built assemblies: a reference against them fails here.
/// </summary>
public sealed class LayeringTests
{
    /// <summary>The node service's assembly (src/Pvc.NodeService, built as pvcnoded).</summary>
    private const string NodeService = "pvcnoded";

    private static AssemblyReferences Read(string assembly) => AssemblyReferences.Read(Path.Combine(AppContext.BaseDirectory, assembly + ".dll"));

    [Fact]
    public void Core_folders_reference_each_other_without_a_cycle()
    {
        var core = Read("Pvc.Core");
        var edges = core.Edges
            .Where(e => e.ToAssembly == "Pvc.Core" && CoreFolder.Of(e.FromNamespace) is { } from && CoreFolder.Of(e.ToNamespace) is { } to && from != to)
            .ToList();
        Assert.NotEmpty(edges); // the reading works: Core's folders do refer to each other
        var cycles = CoreFolder.Cycles(edges);
        Assert.True(cycles.Count == 0, "Core's folders refer to each other in a cycle:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void PowerShell_uses_Core_and_no_ZooKeeper_type()
    {
        var module = Read("Pvc.PowerShell");
        Assert.Contains(module.Edges, e => e.ToAssembly == "Pvc.Core");
        var past = module.Edges.Where(e => e.ToAssembly == "Pvc.ZooKeeper").Select(e => $"{e.From} -> {e.To}").Distinct().Order().ToList();
        Assert.True(past.Count == 0, "The PowerShell module reaches past Core into the ZooKeeper client:\n" + string.Join("\n", past));
    }

    [Fact]
    public void NodeService_uses_Core_and_no_ZooKeeper_type()
    {
        var service = Read(NodeService);
        Assert.Contains(service.Edges, e => e.ToAssembly == "Pvc.Core");
        var past = service.Edges.Where(e => e.ToAssembly == "Pvc.ZooKeeper").Select(e => $"{e.From} -> {e.To}").Distinct().Order().ToList();
        Assert.True(past.Count == 0, "The node service reaches past Core into the ZooKeeper client:\n" + string.Join("\n", past));
    }

    /// <summary>
    /// What Core's public API still shows of the ZooKeeper client, for the node service only (the module uses none of
    /// it, above): the session, its state and options, and the multi-read helpers. It shrinks as h12node moves the node
    /// service's reads and writes into Core's operations (issue 12 item 1); anything new here fails.
    /// </summary>
    private static readonly string[] ZooKeeperInCoreApi =
    [
        "Pvc.Core.Connection.ClusterConnection.get_State",
        "Pvc.Core.Connection.ClusterConnection.get_ZooKeeper",
        "Pvc.Core.Connection.ClusterConnectionOptions.get_Log",
        "Pvc.Core.Connection.ClusterConnectionOptions.get_Tls",
        "Pvc.Core.Connection.ClusterConnectionOptions.set_Log",
        "Pvc.Core.Connection.ClusterConnectionOptions.set_Tls",
        "Pvc.Core.Reading.VersionedKeys.ReadAsync",
        "Pvc.Core.Reading.VersionedKeys.get_Checks",
        "Pvc.Core.Reading.ZnodeBatch..ctor",
        "Pvc.Core.Reading.ZnodeBatch.StatOf",
        // the ACL entry a digest user's znodes carry: what the access tests compare a znode's ACL with
        "Pvc.Core.Security.ClusterCredential.get_AclEntry",
    ];

    [Fact]
    public void Core_shows_the_ZooKeeper_client_only_where_the_node_service_still_needs_it()
    {
        var shown = PublicSurface.Naming(Path.Combine(AppContext.BaseDirectory, "Pvc.Core.dll"), "Pvc.ZooKeeper");
        var added = shown.Except(ZooKeeperInCoreApi).ToList();
        Assert.True(added.Count == 0, "Core's public API shows more of the ZooKeeper client:\n" + string.Join("\n", added));
        // and the list above shrinks with the API (a member gone from it is taken off the list)
        Assert.Empty(ZooKeeperInCoreApi.Except(shown));
    }

    [Theory]
    [InlineData("Pvc.ZooKeeper", "Pvc.Core")]
    [InlineData("Pvc.ZooKeeper", "Pvc.PowerShell")]
    [InlineData("Pvc.ZooKeeper", NodeService)]
    [InlineData("Pvc.Core", "Pvc.PowerShell")]
    [InlineData("Pvc.Core", NodeService)]
    [InlineData("Pvc.PowerShell", NodeService)]
    [InlineData(NodeService, "Pvc.PowerShell")]
    public void A_lower_assembly_uses_nothing_of_a_higher_one(string lower, string higher)
    {
        var against = Read(lower).Edges.Where(e => e.ToAssembly == higher).Select(e => $"{e.From} -> {e.To}").Distinct().ToList();
        Assert.True(against.Count == 0, $"{lower} refers to {higher}:\n" + string.Join("\n", against));
    }
}
