using System.Diagnostics;
using System.Globalization;
using Pvc.Core.Connection;
using Pvc.Core.Fencing;
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
/// The primary's network services moving when the primary dies: two lab nodes (network namespaces joined by a link)
/// each build vxlan100 and vmbr100 and run the election with the primary's network duty, each with a ZooKeeper
/// session of its own; flood entries on each VXLAN towards the other node stand in for FRR's EVPN. A guest on the
/// secondary's bridge takes its lease from the primary across the VXLAN. Then the primary dies.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NetworkFailoverTests(ZooKeeperFixture zk) : IDisposable
{
    private static int _guests;
    private readonly List<string> _namespaces = [];
    private readonly string _dir = NetworkLab.NewDirectory("pvc-failover-");

    private sealed record LabNode(string Name, string Namespace, ClusterConnection Connection, CancellationTokenSource Stop, LineLogger Log, Task Running, string Run);

    [Fact]
    public async Task Killing_the_primary_brings_the_gateway_DHCP_DNS_and_metadata_up_on_the_new_primary_and_the_guest_renews_its_lease_there()
    {
        using var lab = LabNetwork.Create();
        await using var c = await TestCluster.StartAsync(zk);
        await c.Connection.Networks.AddAsync(NetworkLab.Clients());
        var uuid = Guid.NewGuid();
        await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1", uuid: uuid);
        var mac = NetworkLab.MacOf(uuid);
        var (configFile, hook) = NetworkLab.WriteHook(_dir, c);
        string[] names = ["hv1", "hv2"];
        var nodes = new List<LabNode>();
        for (var i = 0; i < 2; i++)
        {
            var connection = await ClusterConnection.ConnectAsync(new() { Servers = [c.Chroot] });
            var stop = new CancellationTokenSource();
            var log = new LineLogger();
            var ip = new IpTool(lab.Namespaces[i]);
            var run = Path.Combine(_dir, names[i]);
            Directory.CreateDirectory(run);
            File.SetUnixFileMode(run, File.GetUnixFileMode(_dir));
            var config = new NodeConfig { ClusterName = "lab", NodeName = names[i], ZooKeeper = c.Chroot, CoordinatorNodes = names, KeepaliveInterval = TimeSpan.FromSeconds(1) };
            var built = new BuiltNetworks(); // as the node service: each node's gateway waits for its own build
            var duty = new PrimaryDhcp(new NetworkHostOperations(connection), ip, new PrimaryDhcpOptions(run, hook, configFile, lab.Namespaces[i]) { Built = built }, log);
            var running = Task.WhenAll(
                new NetworkInstances(new NetworkHostOperations(connection), new NetworkSettings { ClusterDevice = LabNetwork.InterfaceName }, ip, log) { Built = built }.RunAsync(stop.Token),
                new PrimaryElection(new CoordinatorHostOperations(connection, names[i]), config, [duty], log).RunAsync(stop.Token));
            nodes.Add(new LabNode(names[i], lab.Namespaces[i], connection, stop, log, running, run));
        }
        var all = new LineLogger();
        string Said() => string.Join("\n", nodes.SelectMany(n => n.Log.Lines.Select(l => $"{n.Name}: {l.Text}")));
        try
        {
            string first = "";
            await NetworkLab.EventuallyAsync(async () => (first = await c.ReadAsync(BaseKeys.PrimaryNode)) is "hv1" or "hv2"
                && await c.ReadAsync(NodeKeys.Path(first, NodeKeys.RouterState)) == "primary", "An election", all);
            var (primary, secondary) = first == "hv1" ? (nodes[0], nodes[1]) : (nodes[1], nodes[0]);
            // FRR's EVPN stand-in: each VXLAN floods to the other node
            foreach (var (node, other) in new[] { (nodes[0], lab.Addresses[1]), (nodes[1], lab.Addresses[0]) })
            {
                await NetworkLab.EventuallyAsync(() => Task.FromResult(LabCommand.TryRun("ip", ["-n", node.Namespace, "link", "show", "vmbr100"]).ExitCode == 0), $"vmbr100 on {node.Name}", node.Log);
                Assert.Equal(0, LabCommand.TryRun("bridge", ["-n", node.Namespace, "fdb", "append", "00:00:00:00:00:00", "dev", "vxlan100", "dst", other]).ExitCode);
            }
            await NetworkLab.EventuallyAsync(() => Task.FromResult(LabCommand.Runs("dnsmasq", $"--pid-file={Path.Combine(primary.Run, "dnsmasq-100.pid")}")), "dnsmasq on the primary", primary.Log);

            // the guest runs on the secondary's host; the primary serves it across the VXLAN
            var guest = NetworkLab.AddGuest(secondary.Namespace, NetworkLab.NewGuestName(ref _guests, _namespaces), "vmbr100", mac);
            var (address, _) = NetworkLab.TakeLease(guest, hostname: "web1");
            await NetworkLab.WaitForLeaseAsync(c, mac, address);
            Assert.Equal((200, uuid.ToString()), NetworkLab.Get(guest, "/latest/meta-data/instance-id"));
            await NetworkLab.EventuallyAsync(() => Task.FromResult(NetworkLab.Resolve(guest, "web1.clients.lab") == address), "The guest's name at the gateway", primary.Log);

            // the primary dies: its host drops off the guests' network at once (its VXLAN down: gateway, DHCP, DNS and
            // metadata unreachable), its node service ends without a word to ZooKeeper and its session closes
            var killed = Stopwatch.StartNew();
            Assert.Equal(0, LabCommand.TryRun("ip", ["-n", primary.Namespace, "link", "set", "vxlan100", "down"]).ExitCode);
            await primary.Stop.CancelAsync();
            await primary.Running.ContinueWith(_ => { }, TaskScheduler.Default);
            await primary.Connection.DisposeAsync();
            Assert.Equal("primary", await c.ReadAsync(NodeKeys.Path(primary.Name, NodeKeys.RouterState))); // its state is stale
            Assert.False(NetworkLab.Pings(guest, "10.100.0.1"));
            Assert.Equal(0, NetworkLab.Get(guest, "/latest/meta-data/instance-id").Status);

            // its fence done, the fencer releases the dead coordinator's role (NodeFencer's write): the hand-over starts
            var handOver = Stopwatch.StartNew();
            await FencedNodeRecovery.ReleaseCoordinatorRoleAsync(c.Connection, primary.Name);
            TimeSpan? gateway = null, metadata = null, dns = null;
            await NetworkLab.EventuallyAsync(() =>
            {
                gateway ??= NetworkLab.Pings(guest, "10.100.0.1") ? handOver.Elapsed : null;
                metadata ??= NetworkLab.Get(guest, "/latest/meta-data/instance-id") == (200, uuid.ToString()) ? handOver.Elapsed : null;
                // the gateway's DNS server answers (the guest's own name it learns again at the renewal below)
                dns ??= NetworkLab.DnsAnswers(guest) ? handOver.Elapsed : null;
                return Task.FromResult(gateway is not null && metadata is not null && dns is not null);
            }, "The gateway, metadata and DNS on the new primary", secondary.Log).ContinueWith(t =>
                t.IsFaulted ? throw new Xunit.Sdk.XunitException($"gateway {gateway}, metadata {metadata}, DNS {dns}: {t.Exception!.InnerException!.Message}") : t, TaskScheduler.Default).Unwrap();
            // the guest renews its lease (the same address), and the new primary's dnsmasq is the one that acknowledges it
            var (renewed, said) = NetworkLab.TakeLease(guest, requested: address, hostname: "web1");
            var dhcp = handOver.Elapsed;
            await NetworkLab.EventuallyAsync(() => Task.FromResult(NetworkLab.Resolve(guest, "web1.clients.lab") == address), "The guest's name at the new primary's gateway", secondary.Log);
            Assert.Equal(address, renewed);
            Assert.Contains($"lease of {address} obtained from 10.100.0.1", said, StringComparison.Ordinal);
            Assert.Contains(secondary.Log.Lines, l => l.Text.Contains($"DHCPACK(vmbr100) {address} {mac}", StringComparison.Ordinal));
            Assert.Equal(secondary.Name, await c.ReadAsync(BaseKeys.PrimaryNode));
            Assert.Equal("primary", await c.ReadAsync(NodeKeys.Path(secondary.Name, NodeKeys.RouterState)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Network failover: from the fencer's release, gateway {gateway!.Value.TotalSeconds:F2} s, metadata {metadata!.Value.TotalSeconds:F2} s, DNS {dns!.Value.TotalSeconds:F2} s, lease renewed {dhcp.TotalSeconds:F2} s; from the kill {killed.Elapsed.TotalSeconds:F2} s"));
            // within the failover time: a dead node is fenced about 7 s after its last keepalive at the tight setting and
            // 60 s at PVC's defaults (bench/RESULTS.md, issue 7); DHCP and DNS wait for dnsmasq's "init" lease hook (a
            // pvcnoded start), which takes seconds on a loaded machine (figures in bench/RESULTS.md)
            var slowest = new[] { gateway.Value, metadata.Value, dns.Value, dhcp }.Max();
            Assert.True(slowest < TimeSpan.FromSeconds(20), $"The network services took {slowest.TotalSeconds:F1} s to come up on the new primary");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\nThe nodes said:\n{Said()}");
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.Stop.CancelAsync();
                await node.Running.ContinueWith(_ => { }, TaskScheduler.Default);
                await node.Connection.DisposeAsync();
                node.Stop.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (var name in _namespaces)
            LabCommand.TryRun("ip", ["netns", "del", name]);
        Directory.Delete(_dir, recursive: true);
    }
}
