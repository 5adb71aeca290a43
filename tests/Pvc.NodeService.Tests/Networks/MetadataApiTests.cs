using System.Diagnostics;
using System.Globalization;
using System.Net;
using Pvc.Core.Networks;
using Pvc.Core.Schema;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Networks;
using Pvc.Testing.Lab;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Networks;

/// <summary>
/// The primary's metadata API on a lab node: real dnsmasq gives guests (namespaces on vmbr100 asking with udhcpc) their
/// leases, pvcnoded's lease hook records them in PVC's keys in a real ZooKeeper, and a guest asks 169.254.169.254
/// through its gateway with curl; the API finds it by its source address, its lease and the VM with that MAC.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MetadataApiTests(ZooKeeperFixture zk) : IDisposable
{
    private static int _guests;
    private readonly List<string> _namespaces = [];
    private readonly string _dir = NetworkLab.NewDirectory("pvc-mdapi-");

    [Fact]
    public async Task A_guest_gets_its_own_instance_id_and_name_from_the_metadata_API_and_a_source_no_VM_has_gets_404()
    {
        using var lab = LabNetwork.Create();
        await using var c = await TestCluster.StartAsync(zk);
        var node = lab.Namespaces[0];
        await c.Connection.Networks.AddAsync(NetworkLab.Clients());
        var uuid = Guid.NewGuid();
        await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1", uuid: uuid, profile: "std-2");
        var log = await WithPrimaryAsync(c, node, async said =>
        {
            var (guest, _) = await LeasedGuestAsync(c, node, NetworkLab.MacOf(uuid));

            // the guest's own VM, found by its address, its lease and the MAC of the VM's NIC
            Assert.Equal((200, uuid.ToString()), NetworkLab.Get(guest, "/latest/meta-data/instance-id"));
            Assert.Equal((200, "web1"), NetworkLab.Get(guest, "/latest/meta-data/name"));
            Assert.Equal((200, "std-2"), NetworkLab.Get(guest, "/latest/meta-data/profile"));
            Assert.Equal((200, "instance-id\nname\nprofile"), NetworkLab.Get(guest, "/latest/meta-data/"));
            // no provisioner yet: an empty document, as PVC answers a VM without a profile's userdata
            Assert.Equal((200, ""), NetworkLab.Get(guest, "/latest/user-data"));
            Assert.Equal((209, "{\"message\": \"PVC Provisioner Metadata API version 1\"}"), NetworkLab.Get(guest, "/"));
            Assert.Equal(404, NetworkLab.Get(guest, "/latest/meta-data/secret").Status);

            // a guest with a lease but no VM with its MAC is not known: 404, never another VM's answer
            var (stranger, _) = await LeasedGuestAsync(c, node, "52:54:00:00:0e:99");
            Assert.Equal(404, NetworkLab.Get(stranger, "/latest/meta-data/instance-id").Status);
            Assert.Equal(404, NetworkLab.Get(stranger, "/latest/user-data").Status);
        });
        Assert.Contains(log.Lines, l => l.Text.Contains("Serving the metadata API on http://169.254.169.254:80/", StringComparison.Ordinal));
        // before: Stop then Close looked the endpoint up twice and the second look failed to bind it again, which
        // ended the relinquish before the metadata address was removed
        Assert.Contains(log.Lines, l => l.Text == "Stopped the metadata API");
        Assert.DoesNotContain(log.Lines, l => l.Text.Contains("did not close cleanly", StringComparison.Ordinal));
        // relinquished: the metadata address is gone from lo and nothing listens there any more
        Assert.False((await new IpTool(node).RunAsync(["-4", "-o", "address", "show", "dev", "lo"], default)).Contains("169.254.169.254", StringComparison.Ordinal),
            "The metadata address stayed on lo; the node said:\n" + Said(log));
    }

    [Fact]
    public async Task The_source_lookup_refuses_what_it_cannot_trust_in_the_keys()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await c.Connection.Networks.AddAsync(NetworkLab.Clients());
        var ops = new NetworkHostOperations(c.Connection);
        var uuid = Guid.NewGuid();
        await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1", uuid: uuid);
        var mac = NetworkLab.MacOf(uuid);
        var source = IPAddress.Parse("10.100.0.150");
        await ops.RecordLeaseAsync(new DhcpLease { Vni = 100, MacAddress = mac, IpAddress = source, Expiry = DateTimeOffset.UtcNow.AddHours(1) }, default);
        Assert.Equal(new MetadataGuest(uuid, "web1", null), await ops.FindGuestAsync(100, source, mac, default));
        Assert.Equal(new MetadataGuest(uuid, "web1", null), await ops.FindGuestAsync(100, source.MapToIPv6(), mac.ToUpperInvariant(), default));
        Assert.Null(await ops.FindGuestAsync(100, IPAddress.Parse("10.100.0.151"), mac, default));
        // the lease's address from another MAC, or on another network's bridge, is not the VM
        Assert.Null(await ops.FindGuestAsync(100, source, "52:54:00:00:0e:97", default));
        Assert.Null(await ops.FindGuestAsync(200, source, mac, default));
        Assert.Null(await ops.FindGuestAsync(100, source, "not a mac", default));
        // an expired lease is no lease; "0" (no expiry) is one
        var table = await ops.ReadGuestTableAsync(null, default);
        Assert.Null(table.Find(100, source, mac, DateTimeOffset.UtcNow.AddHours(2)));
        Assert.NotNull(table.Find(100, source, mac, DateTimeOffset.UtcNow));
        await ops.RecordLeaseAsync(new DhcpLease { Vni = 100, MacAddress = mac, IpAddress = source }, default);
        Assert.NotNull((await ops.ReadGuestTableAsync(null, default)).Find(100, source, mac, DateTimeOffset.UtcNow.AddYears(10)));

        // a profile with a line break (written by anyone in PVC-compatible mode) is not served as a header-like answer
        await c.Raw.SetDataAsync($"/domains/{uuid}/profile", "std\nX-Injected: 1"u8.ToArray());
        Assert.Null(await ops.FindGuestAsync(100, source, mac, default));
        await c.Raw.SetDataAsync($"/domains/{uuid}/profile", "std-2"u8.ToArray());
        Assert.Equal("std-2", (await ops.FindGuestAsync(100, source, mac, default))?.Profile);

        // a second VM with the same MAC: the guest cannot be told apart, so neither is answered
        var twin = Guid.NewGuid();
        await PvcSeed.AddVmAsync(c.Raw, "web2", "hv1", uuid: twin, xml: PvcSeed.Xml(uuid, "web2").Replace(uuid.ToString(), twin.ToString(), StringComparison.Ordinal));
        Assert.Null(await ops.FindGuestAsync(100, source, mac, default));
    }

    [Fact]
    public async Task Requests_beyond_the_cap_get_503_and_the_keys_are_read_once_until_ZooKeeper_reports_a_change()
    {
        var held = new TaskCompletionSource<MetadataGuestTable>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = 0;
        Action changed = () => { };
        Task<MetadataGuestTable> Read(Action onChange, CancellationToken cancellationToken)
        {
            changed = onChange;
            return Interlocked.Increment(ref reads) == 1 ? held.Task : Task.FromResult(MetadataGuestTable.Empty);
        }
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var log = new LineLogger();
        var api = new MetadataApi(Read, IPAddress.Loopback, port, null, log) { MaxConcurrentRequests = 4, Neighbours = _ => [new Neighbour("vmbr100", "52:54:00:00:0e:01")] };
        api.Start();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        try
        {
            // four requests wait on the one read of the keys
            var waiting = Enumerable.Range(0, 4).Select(_ => http.GetAsync(url + "/latest/meta-data/instance-id")).ToList();
            await NetworkLab.EventuallyAsync(() => Task.FromResult(api.Answering == 4), "four requests being answered", log);
            Assert.Equal(1, reads);
            // a fifth is refused at once, whatever it asks
            var refused = await http.GetAsync(url + "/latest/meta-data/name");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync(url + "/")).StatusCode);
            Assert.All(waiting, w => Assert.False(w.IsCompleted));

            held.SetResult(MetadataGuestTable.Empty);
            foreach (var response in await Task.WhenAll(waiting))
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            // answered from the table read before: no read of the keys per request
            for (var i = 0; i < 10; i++)
                Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(url + "/latest/meta-data/instance-id")).StatusCode);
            Assert.Equal(1, reads);
            // counted out once each response is closed (after the client has it)
            await NetworkLab.EventuallyAsync(() => Task.FromResult(api.Answering == 0), "no request being answered", log);
            // a watch fired (a lease given, a VM added): the next request reads again
            changed();
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(url + "/latest/meta-data/instance-id")).StatusCode);
            Assert.Equal(2, reads);
        }
        finally
        {
            held.TrySetResult(MetadataGuestTable.Empty);
            await api.StopAsync();
        }
    }

    [Fact]
    public void The_neighbour_table_gives_the_complete_entries_of_an_address()
    {
        const string arp = """
            IP address       HW type     Flags       HW address            Mask     Device
            10.100.0.150     0x1         0x2         52:54:00:AA:bb:01     *        vmbr100
            10.100.0.150     0x1         0x0         00:00:00:00:00:00     *        vmbr200
            10.100.0.15      0x1         0x2         52:54:00:aa:bb:02     *        vmbr100
            10.200.0.150     0x1         0x6         52:54:00:aa:bb:03     *        lab0
            """;
        var found = NeighbourTable.Parse(arp, IPAddress.Parse("10.100.0.150"));
        Assert.Equal([new Neighbour("vmbr100", "52:54:00:aa:bb:01")], found);
        Assert.Equal(100, found[0].Vni);
        Assert.Null(NeighbourTable.Parse(arp, IPAddress.Parse("10.200.0.150"))[0].Vni);
        Assert.Empty(NeighbourTable.Parse(arp, IPAddress.Parse("10.100.0.151")));
    }

    /// <summary>Managed network 200 (10.200.0.0/24, gateway .1, DHCP .100-.199, domain servers.lab).</summary>
    private static NetworkSpec Servers() => new()
    {
        Vni = 200, Description = "servers", Domain = "servers.lab", Ip4Network = IPNetwork.Parse("10.200.0.0/24"), Ip4Gateway = IPAddress.Parse("10.200.0.1"),
        Ip4Dhcp = true, Ip4DhcpStart = IPAddress.Parse("10.200.0.100"), Ip4DhcpEnd = IPAddress.Parse("10.200.0.199"),
    };

    /// <summary>The node's network instances and primary network services in <paramref name="node"/>, until the source is cancelled.</summary>
    private (LineLogger Log, CancellationTokenSource Stop, Task Running, IpTool Ip) StartPrimary(TestCluster c, string node, Func<PrimaryDhcpOptions, PrimaryDhcpOptions>? change = null)
    {
        var (config, hook) = NetworkLab.WriteHook(_dir, c);
        var run = Path.Combine(_dir, "run");
        Directory.CreateDirectory(run);
        var stop = new CancellationTokenSource();
        var ip = new IpTool(node);
        var log = new LineLogger();
        var options = new PrimaryDhcpOptions(run, hook, config, node);
        var running = Task.WhenAll(
            new NetworkInstances(new NetworkHostOperations(c.Connection), new NetworkSettings { ClusterDevice = LabNetwork.InterfaceName }, ip, log).RunAsync(stop.Token),
            new PrimaryDhcp(new NetworkHostOperations(c.Connection), ip, change?.Invoke(options) ?? options, log).RunAsync(stop.Token));
        return (log, stop, running, ip);
    }

    private Task WaitForDnsmasqAsync(int vni, LineLogger log) =>
        NetworkLab.EventuallyAsync(() => Task.FromResult(LabCommand.Runs("dnsmasq", $"--pid-file={Path.Combine(_dir, "run", $"dnsmasq-{vni}.pid")}")), $"dnsmasq of network {vni}", log);

    private static void InGuest(string guest, params string[] args)
    {
        var (code, _, error) = LabCommand.TryRun("ip", ["-n", guest, .. args]);
        Assert.True(code == 0, $"ip -n {guest} {string.Join(' ', args)} failed: {error}");
    }

    private static string Said(LineLogger log) => string.Join("\n", log.Lines.Select(l => l.Text));

    /// <summary>
    /// Runs <paramref name="body"/> with the primary's network services running in <paramref name="node"/> (the
    /// dnsmasq of each of <paramref name="dnsmasqs"/> up first), stops them (the relinquish) whatever happens, and
    /// returns what the node logged; a failure carries the log.
    /// </summary>
    private async Task<LineLogger> WithPrimaryAsync(TestCluster c, string node, Func<LineLogger, Task> body, Func<PrimaryDhcpOptions, PrimaryDhcpOptions>? change = null, params int[] dnsmasqs)
    {
        var (log, stop, running, _) = StartPrimary(c, node, change);
        try
        {
            foreach (var vni in dnsmasqs.Length == 0 ? new[] { 100 } : dnsmasqs)
                await WaitForDnsmasqAsync(vni, log);
            await body(log);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\nThe node said:\n{Said(log)}");
        }
        finally
        {
            await stop.CancelAsync();
            await running.ContinueWith(_ => { }, TaskScheduler.Default);
            stop.Dispose();
        }
        return log;
    }

    /// <summary>A guest namespace on the node's <paramref name="bridge"/> with <paramref name="mac"/>, without an address.</summary>
    private string Guest(string node, string mac, string bridge = "vmbr100") =>
        NetworkLab.AddGuest(node, NetworkLab.NewGuestName(ref _guests, _namespaces), bridge, mac);

    /// <summary>A guest that took a lease from the primary's dnsmasq, once the lease hook recorded it in ZooKeeper.</summary>
    private async Task<(string Guest, string Address)> LeasedGuestAsync(TestCluster c, string node, string mac, string bridge = "vmbr100")
    {
        var guest = Guest(node, mac, bridge);
        var (address, _) = NetworkLab.TakeLease(guest);
        await NetworkLab.WaitForLeaseAsync(c, mac, address);
        return (guest, address);
    }

    [Fact]
    public async Task A_guest_that_takes_another_VMs_leased_address_on_its_own_network_or_another_is_not_answered_as_that_VM()
    {
        using var lab = LabNetwork.Create();
        await using var c = await TestCluster.StartAsync(zk);
        var node = lab.Namespaces[0];
        await c.Connection.Networks.AddAsync(NetworkLab.Clients());
        await c.Connection.Networks.AddAsync(Servers());
        var uuid = Guid.NewGuid();
        await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1", uuid: uuid);
        var other = Guid.NewGuid();
        await PvcSeed.AddVmAsync(c.Raw, "db1", "hv1", uuid: other, xml: PvcSeed.Xml(other, "db1", bridge: "vmbr200"));
        await WithPrimaryAsync(c, node, async said =>
        {
            var (victim, address) = await LeasedGuestAsync(c, node, NetworkLab.MacOf(uuid));
            Assert.Equal((200, uuid.ToString()), NetworkLab.Get(victim, "/latest/meta-data/instance-id"));
            // web1 goes off the wire (shut off); its lease stays in the keys until it expires
            Assert.Equal(0, LabCommand.TryRun("ip", ["netns", "del", victim]).ExitCode);

            // db1, on network 200, takes web1's address of network 100 and asks the metadata address directly on its bridge
            var across = Guest(node, NetworkLab.MacOf(other), "vmbr200");
            InGuest(across, "address", "add", $"{address}/24", "dev", "eth0");
            InGuest(across, "route", "add", "169.254.169.254", "dev", "eth0");
            var fromAcross = NetworkLab.Get(across, "/latest/meta-data/instance-id");
            Assert.True(fromAcross.Status is 0 or 404, $"A guest of network 200 with network 100's leased address was answered: {fromAcross}");
            Assert.Equal(0, LabCommand.TryRun("ip", ["netns", "del", across]).ExitCode);

            // a guest of no VM on network 100 takes web1's leased address: its MAC is not the lease's
            var spoofer = Guest(node, "52:54:00:00:0e:98");
            InGuest(spoofer, "address", "add", $"{address}/24", "dev", "eth0");
            InGuest(spoofer, "route", "add", "default", "via", "10.100.0.1");
            Assert.Equal(209, NetworkLab.Get(spoofer, "/").Status); // it reaches the API
            Assert.Equal((404, "No VM is known at this address\n"), NetworkLab.Get(spoofer, "/latest/meta-data/instance-id"));
            Assert.Equal(404, NetworkLab.Get(spoofer, "/latest/meta-data/name").Status);
        }, dnsmasqs: [100, 200]);
    }

    [Fact]
    public async Task A_guest_whose_lease_expired_is_not_answered()
    {
        using var lab = LabNetwork.Create();
        await using var c = await TestCluster.StartAsync(zk);
        var node = lab.Namespaces[0];
        await c.Connection.Networks.AddAsync(NetworkLab.Clients());
        var uuid = Guid.NewGuid();
        var mac = NetworkLab.MacOf(uuid);
        await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1", uuid: uuid);
        await WithPrimaryAsync(c, node, async log =>
        {
            var (guest, address) = await LeasedGuestAsync(c, node, mac);
            Assert.Equal((200, "web1"), NetworkLab.Get(guest, "/latest/meta-data/name"));

            // the lease's keys say it ended an hour ago (the guest kept the address without renewing)
            await new NetworkHostOperations(c.Connection).RecordLeaseAsync(
                new DhcpLease { Vni = 100, MacAddress = mac, IpAddress = IPAddress.Parse(address), Expiry = DateTimeOffset.UtcNow.AddHours(-1) }, default);
            await NetworkLab.EventuallyAsync(() => Task.FromResult(NetworkLab.Get(guest, "/latest/meta-data/name").Status == 404), "404 for an expired lease", log, TimeSpan.FromSeconds(10));
            Assert.Equal(404, NetworkLab.Get(guest, "/latest/meta-data/instance-id").Status);
        });
    }

    [Fact]
    public async Task A_relinquish_step_that_fails_does_not_keep_the_later_ones_from_running()
    {
        using var lab = LabNetwork.Create();
        await using var c = await TestCluster.StartAsync(zk);
        var node = lab.Namespaces[0];
        await c.Connection.Networks.AddAsync(NetworkLab.Clients());
        var floating = new FloatingAddress("cluster", LabNetwork.InterfaceName, IPAddress.Parse("10.213.0.250"), 24);
        // stopping the DHCP server "fails": the metadata API, the addresses and the firewall come after it
        bool Has(string device, string address) => LabCommand.TryRun("ip", ["-n", node, "-4", "-o", "address", "show", "dev", device]).Output.Contains($"inet {address}/", StringComparison.Ordinal);
        var log = await WithPrimaryAsync(c, node, said => NetworkLab.EventuallyAsync(() => Task.FromResult(Has(LabNetwork.InterfaceName, "10.213.0.250") && Has("lo", "169.254.169.254") && Has("vmbr100", "10.100.0.1")
                && said.Lines.Any(l => l.Text.StartsWith("Serving the metadata API", StringComparison.Ordinal))), "the primary's addresses and metadata API", said),
            o => o with
            {
                FloatingAddresses = [floating],
                RelinquishFault = step => step.StartsWith("stop DHCP", StringComparison.Ordinal) ? throw new IOException("injected: dnsmasq did not stop") : Task.CompletedTask,
            });
        Assert.False(Has(LabNetwork.InterfaceName, "10.213.0.250"), "The floating address stayed; the node said:\n" + Said(log));
        Assert.False(Has("lo", "169.254.169.254"), "The metadata address stayed; the node said:\n" + Said(log));
        Assert.False(Has("vmbr100", "10.100.0.1"), "The gateway stayed; the node said:\n" + Said(log));
        Assert.DoesNotContain("table inet pvc", LabCommand.TryRun("ip", ["netns", "exec", node, "nft", "list", "tables"]).Output, StringComparison.Ordinal);
        Assert.Contains(log.Lines, l => l.Text.Contains("could not stop DHCP for network 100: injected", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Text == "Stopped the metadata API");
        // the dnsmasq whose stop "failed" is still running: ended here, not left behind by the test
        var pidFile = Path.Combine(_dir, "run", "dnsmasq-100.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            LabCommand.TryRun("kill", [pid.ToString(CultureInfo.InvariantCulture)]);
    }

    [Fact]
    public async Task A_floating_address_whose_removal_failed_is_removed_by_the_next_relinquish()
    {
        using var lab = LabNetwork.Create();
        await using var c = await TestCluster.StartAsync(zk);
        var node = lab.Namespaces[0];
        await c.Connection.Networks.AddAsync(NetworkLab.Clients());
        var floating = new FloatingAddress("cluster", LabNetwork.InterfaceName, IPAddress.Parse("10.213.0.250"), 24);
        var failures = 0;
        var (config, hook) = NetworkLab.WriteHook(_dir, c);
        var run = Path.Combine(_dir, "run");
        Directory.CreateDirectory(run);
        var ip = new IpTool(node);
        var log = new LineLogger();
        // the first relinquish fails to remove the floating address; the same duty (this node primary again) runs twice
        var primary = new PrimaryDhcp(new NetworkHostOperations(c.Connection), ip, new PrimaryDhcpOptions(run, hook, config, node) with
        {
            FloatingAddresses = [floating],
            RelinquishFault = step => step.StartsWith("remove the cluster floating address", StringComparison.Ordinal) && Interlocked.Increment(ref failures) == 1
                ? throw new IOException("injected: the address could not be removed") : Task.CompletedTask,
        }, log);
        bool Has(string device, string address) => LabCommand.TryRun("ip", ["-n", node, "-4", "-o", "address", "show", "dev", device]).Output.Contains($"inet {address}/", StringComparison.Ordinal);
        using var instancesStop = new CancellationTokenSource();
        var instances = new NetworkInstances(new NetworkHostOperations(c.Connection), new NetworkSettings { ClusterDevice = LabNetwork.InterfaceName }, ip, log).RunAsync(instancesStop.Token);
        try
        {
            foreach (var term in new[] { 1, 2 })
            {
                using var stop = new CancellationTokenSource();
                var running = primary.RunAsync(stop.Token);
                try
                {
                    await WaitForDnsmasqAsync(100, log);
                    await NetworkLab.EventuallyAsync(() => Task.FromResult(Has(LabNetwork.InterfaceName, "10.213.0.250") && Has("vmbr100", "10.100.0.1")), $"the primary's addresses (term {term})", log);
                }
                finally
                {
                    await stop.CancelAsync();
                    await running.ContinueWith(_ => { }, TaskScheduler.Default);
                }
                if (term == 1)
                    Assert.True(Has(LabNetwork.InterfaceName, "10.213.0.250"), "The injected failure did not keep the address; the node said:\n" + Said(log));
            }
        }
        finally
        {
            await instancesStop.CancelAsync();
            await instances.ContinueWith(_ => { }, TaskScheduler.Default);
        }
        Assert.False(Has(LabNetwork.InterfaceName, "10.213.0.250"), "The floating address stayed after the second relinquish; the node said:\n" + Said(log));
        Assert.False(Has("vmbr100", "10.100.0.1"), "The gateway stayed; the node said:\n" + Said(log));
        Assert.Equal(2, failures);
    }

    [Fact]
    public async Task A_MAC_moved_from_one_VM_to_another_by_their_XML_is_answered_as_the_VM_it_is_on_now()
    {
        using var lab = LabNetwork.Create();
        await using var c = await TestCluster.StartAsync(zk);
        var node = lab.Namespaces[0];
        await c.Connection.Networks.AddAsync(NetworkLab.Clients());
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var mac = NetworkLab.MacOf(a);
        await PvcSeed.AddVmAsync(c.Raw, "web1", "hv1", uuid: a);
        await PvcSeed.AddVmAsync(c.Raw, "db1", "hv1", uuid: b);
        await WithPrimaryAsync(c, node, async log =>
        {
            var (guest, _) = await LeasedGuestAsync(c, node, mac);
            Assert.Equal((200, "web1"), NetworkLab.Get(guest, "/latest/meta-data/name"));

            // the NIC's MAC moves from web1 to db1 (each VM's XML rewritten; web1 gets db1's old MAC): well within the
            // table's 60 s lifetime, the guest is db1
            await c.Raw.SetDataAsync(DomainKeys.Path(b, DomainKeys.Xml), System.Text.Encoding.UTF8.GetBytes(PvcSeed.Xml(a, "db1").Replace(a.ToString(), b.ToString(), StringComparison.Ordinal)));
            await c.Raw.SetDataAsync(DomainKeys.Path(a, DomainKeys.Xml), System.Text.Encoding.UTF8.GetBytes(PvcSeed.Xml(b, "web1").Replace(b.ToString(), a.ToString(), StringComparison.Ordinal)));
            await NetworkLab.EventuallyAsync(() => Task.FromResult(NetworkLab.Get(guest, "/latest/meta-data/name") == (200, "db1")), "the guest answered as db1", log, TimeSpan.FromSeconds(10));
            Assert.Equal((200, b.ToString()), NetworkLab.Get(guest, "/latest/meta-data/instance-id"));
        });
    }

    public void Dispose()
    {
        foreach (var name in _namespaces)
            LabCommand.TryRun("ip", ["netns", "del", name]);
        Directory.Delete(_dir, recursive: true);
    }
}
