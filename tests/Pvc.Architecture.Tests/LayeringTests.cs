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
    /// Core's public API (public and protected members of public types) names no type of the ZooKeeper client: nothing
    /// above Core, a PowerShell script holding a connection included, can reach the session or its types (the tests, the
    /// sandbox and the benchmarks are Core's friends for their seeding and checks).
    /// </summary>
    [Fact]
    public void Core_shows_no_ZooKeeper_type_in_its_public_API()
    {
        var shown = PublicSurface.Naming(Path.Combine(AppContext.BaseDirectory, "Pvc.Core.dll"), "Pvc.ZooKeeper");
        Assert.True(shown.Count == 0, "Core's public API shows the ZooKeeper client:\n" + string.Join("\n", shown));
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
