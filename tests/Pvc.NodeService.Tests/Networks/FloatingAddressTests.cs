using System.Diagnostics;
using System.Net;
using Pvc.Core.Networks;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Daemon;
using Pvc.NodeService.Networks;
using Pvc.Testing.Lab;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Networks;

/// <summary>
/// The cluster's floating address through a primary hand-over: two coordinators, each a lab namespace on the shared
/// cluster link, each running the election with the primary's network duty, against a real ZooKeeper.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FloatingAddressTests(ZooKeeperFixture zk) : IDisposable
{
    private static readonly FloatingAddress Floating = new("cluster", LabNetwork.InterfaceName, IPAddress.Parse("10.213.0.250"), 24);
    private readonly List<string> _dirs = [];

    private static bool Holds(string netns) =>
        LabCommand.TryRun("ip", ["-n", netns, "-json", "address", "show", "dev", LabNetwork.InterfaceName]).Output.Contains("\"local\":\"10.213.0.250\"", StringComparison.Ordinal);

    private static async Task WaitAsync(Func<bool> done, string what, LineLogger log)
    {
        var deadline = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"{what} did not happen; the nodes said:\n" + string.Join("\n", log.Lines.Select(l => l.Text)));
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task The_floating_address_moves_with_the_primary_role_and_is_never_on_both_nodes()
    {
        using var lab = LabNetwork.Create();
        await using var c = await TestCluster.StartAsync(zk);
        string[] names = ["hv1", "hv2"];
        var log = new LineLogger();
        using var stop = new CancellationTokenSource();
        var elections = new List<Task>();
        for (var i = 0; i < 2; i++)
        {
            var dir = Directory.CreateTempSubdirectory("pvc-float-").FullName;
            _dirs.Add(dir);
            var config = new NodeConfig { ClusterName = "lab", NodeName = names[i], ZooKeeper = c.Chroot, CoordinatorNodes = names, KeepaliveInterval = TimeSpan.FromSeconds(1) };
            var duty = new PrimaryDhcp(new NetworkHostOperations(c.Connection), new IpTool(lab.Namespaces[i]),
                new PrimaryDhcpOptions(dir, "/bin/true", Path.Combine(dir, "pvc.conf"), lab.Namespaces[i]) { FloatingAddresses = [Floating] }, log);
            elections.Add(new PrimaryElection(new CoordinatorHostOperations(c.Connection, names[i]), config, [duty], log).RunAsync(stop.Token));
        }
        // read one node, the other, the first again: the address on both only counts when the first held it before and
        // after the other was read
        var both = new List<string>();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var a = Holds(lab.Namespaces[0]);
                var b = Holds(lab.Namespaces[1]);
                if (a && b && Holds(lab.Namespaces[0]))
                    both.Add(DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                await Task.Delay(10);
            }
        });
        try
        {
            string first = "";
            await WaitAsync(() => (first = c.ReadAsync(BaseKeys.PrimaryNode).Result) is "hv1" or "hv2" && c.ReadAsync(NodeKeys.Path(first, NodeKeys.RouterState)).Result == "primary", "An election", log);
            var (from, to) = first == "hv1" ? (0, 1) : (1, 0);
            await WaitAsync(() => Holds(lab.Namespaces[from]), $"The floating address on {first}", log);
            Assert.False(Holds(lab.Namespaces[to]));

            // "pvc node primary <other>": the old primary relinquishes (the address goes) before the other takes over
            await new NodeOperations(c.Connection).SetPrimaryAsync(names[to]);
            await WaitAsync(() => c.ReadAsync(NodeKeys.Path(names[to], NodeKeys.RouterState)).Result == "primary" && Holds(lab.Namespaces[to]), $"The floating address on {names[to]}", log);
            Assert.False(Holds(lab.Namespaces[from]), string.Join("\n", log.Lines.Select(l => l.Text)));

            // and back
            await new NodeOperations(c.Connection).SetPrimaryAsync(names[from]);
            await WaitAsync(() => c.ReadAsync(NodeKeys.Path(names[from], NodeKeys.RouterState)).Result == "primary" && Holds(lab.Namespaces[from]), $"The floating address back on {first}", log);
            Assert.False(Holds(lab.Namespaces[to]), string.Join("\n", log.Lines.Select(l => l.Text)));
        }
        finally
        {
            await sampling.CancelAsync();
            await sampler;
            await stop.CancelAsync();
            await Task.WhenAll(elections.Select(e => e.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
        Assert.True(both.Count == 0, $"Both nodes held the floating address at {string.Join(", ", both)}");
        Assert.False(Holds(lab.Namespaces[0]) || Holds(lab.Namespaces[1]), "A stopped election left the floating address");
    }

    public void Dispose()
    {
        foreach (var dir in _dirs)
            Directory.Delete(dir, recursive: true);
    }
}
