using System.Diagnostics;
using System.Globalization;
using System.Net;
using Pvc.Core.Networks;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Networks;
using Pvc.Testing.Lab;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Networks;

/// <summary>
/// The primary's DHCP on a lab node (a network namespace with the network built by <see cref="NetworkInstances"/>): real
/// dnsmasq with PVC's flags, a guest namespace on vmbr100 through a veth pair asking with udhcpc, and pvcnoded itself
/// as the lease hook writing PVC's dhcp4_leases keys to a real ZooKeeper.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PrimaryDhcpTests(ZooKeeperFixture zk) : IDisposable
{
    private static int _guests;
    private readonly List<string> _namespaces = [];
    private readonly string _dir = NewDirectory();

    /// <summary>A temporary directory dnsmasq can read the hosts files below once it dropped root to its own user.</summary>
    private static string NewDirectory()
    {
        var path = Directory.CreateTempSubdirectory("pvc-dhcp-").FullName;
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return path;
    }

    private static void Run(string file, params string[] args)
    {
        var (code, _, error) = LabCommand.TryRun(file, args);
        Assert.True(code == 0, $"{file} {string.Join(' ', args)} failed: {error}");
    }

    /// <summary>A guest: a namespace whose eth0 (with <paramref name="mac"/>) is the peer of a port of the node's <paramref name="bridge"/>.</summary>
    private string AddGuest(string node, string mac, string bridge = "vmbr100")
    {
        var n = Interlocked.Increment(ref _guests);
        var name = string.Create(CultureInfo.InvariantCulture, $"{LabMachine.NamespacePrefix}{Environment.ProcessId}-g{n}");
        Run("ip", "netns", "add", name);
        _namespaces.Add(name);
        var port = $"gst{n}";
        Run("ip", "link", "add", port, "netns", node, "type", "veth", "peer", "name", "eth0", "netns", name);
        Run("ip", "-n", name, "link", "set", "eth0", "address", mac);
        Run("ip", "-n", name, "link", "set", "eth0", "mtu", "1450");
        Run("ip", "-n", node, "link", "set", port, "mtu", "1450");
        Run("ip", "-n", name, "link", "set", "eth0", "up");
        Run("ip", "-n", node, "link", "set", port, "master", bridge);
        Run("ip", "-n", node, "link", "set", port, "up");
        return name;
    }

    /// <summary>udhcpc asks once (it changes nothing on the guest: its script is /bin/true) and returns the address it was offered.</summary>
    private static string Lease(string guest)
    {
        var (code, output, error) = LabCommand.TryRun("ip", ["netns", "exec", guest, "udhcpc", "-i", "eth0", "-n", "-q", "-f", "-t", "10", "-T", "1", "-s", "/bin/true"], TimeSpan.FromSeconds(30));
        Assert.True(code == 0, $"udhcpc got no lease: {output} {error}");
        var line = (output + error).Split('\n').First(l => l.Contains("lease of", StringComparison.Ordinal));
        return line.Split("lease of ")[1].Split(' ')[0];
    }

    /// <summary>A guest with a static address and its gateway as default route.</summary>
    private string AddStaticGuest(string node, string mac, string bridge, string cidr, string gateway)
    {
        var guest = AddGuest(node, mac, bridge);
        Run("ip", "-n", guest, "address", "add", cidr, "dev", "eth0");
        Run("ip", "-n", guest, "route", "add", "default", "via", gateway);
        return guest;
    }

    /// <summary>Whether a TCP connection from <paramref name="guest"/> to <paramref name="address"/>:<paramref name="port"/> opens within 2 s.</summary>
    private static bool Connects(string guest, string address, int port) =>
        LabCommand.TryRun("ip", ["netns", "exec", guest, "busybox", "nc", "-w", "2", address, port.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10)).ExitCode == 0;

    /// <summary>Whether one ping from <paramref name="guest"/> to <paramref name="address"/> is answered within a second.</summary>
    private static bool Pings(string guest, string address) =>
        LabCommand.TryRun("ip", ["netns", "exec", guest, "busybox", "ping", "-c", "1", "-W", "1", address], TimeSpan.FromSeconds(10)).ExitCode == 0;

    /// <summary>Waits, with a deadline, until <paramref name="done"/> holds.</summary>
    private static async Task EventuallyAsync(Func<bool> done, string what, LineLogger log)
    {
        var deadline = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), $"{what} did not happen; the node said:\n" + string.Join("\n", log.Lines.Select(l => l.Text)));
            await Task.Delay(100);
        }
    }

    private static async Task<bool> HasAddressAsync(IpTool ip, string bridge, string cidr) => (await ip.ListAddressesAsync(bridge, default)).Contains(cidr);

    /// <summary>Whether network <paramref name="vni"/> is built to its end (its VXLAN attached to its bridge), as it is long before a VM's NIC is.</summary>
    private static bool Built(IpTool ip, int vni) =>
        ip.ListLinksAsync(default).Result.Any(l => l.Name == $"vxlan{vni}" && l.Master == $"vmbr{vni}" && l.Up);

    /// <summary>A pvc.conf for the lease hook, and the hook: pvcnoded entered into this process's network namespace (the test's ZooKeeper is on its loopback).</summary>
    private (string Config, string Hook) WriteHook(TestCluster c)
    {
        var config = Path.Combine(_dir, "pvc.conf");
        File.WriteAllText(config, $"cluster:\n  name: lab\n  coordinator_nodes: [hv1]\nnode:\n  name: hv1\n  zookeeper: {c.Chroot}\n");
        var hook = Path.Combine(_dir, "lease-hook");
        File.WriteAllText(hook, $"#!/bin/sh\nexec nsenter --net=/proc/{Environment.ProcessId}/ns/net {Path.Combine(AppContext.BaseDirectory, "pvcnoded")} \"$@\"\n");
        File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return (config, hook);
    }

    private static async Task<DhcpLease> WaitForLeaseAsync(TestCluster c, string mac)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if ((await c.Connection.Networks.GetAsync(100)).Leases.FirstOrDefault(l => l.MacAddress == mac) is { } lease)
                return lease;
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), $"The lease of {mac} did not reach ZooKeeper.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_guest_gets_a_lease_the_hook_records_in_PVCs_keys_and_a_reservation_gives_the_reserved_address()
    {
        using var lab = LabNetwork.Create();
        await using var c = await TestCluster.StartAsync(zk);
        var node = lab.Namespaces[0];
        await c.Connection.Networks.AddAsync(new NetworkSpec
        {
            Vni = 100, Description = "clients", Ip4Network = IPNetwork.Parse("10.100.0.0/24"), Ip4Gateway = IPAddress.Parse("10.100.0.1"),
            Ip4Dhcp = true, Ip4DhcpStart = IPAddress.Parse("10.100.0.100"), Ip4DhcpEnd = IPAddress.Parse("10.100.0.199"),
        });
        await c.Connection.Networks.AddReservationAsync("100", "52:54:00:00:00:22", IPAddress.Parse("10.100.0.22"), "reserved");

        // reservations written past Core's checks (rev14 P3-1): a MAC with a comma (it would add dnsmasq host fields) and
        // one giving out the gateway; before the node re-checked them both were written as hosts files
        foreach (var (mac, address) in new[] { ("52:54:00:00:00:33,set:x", "10.100.0.33"), ("52:54:00:00:00:44", "10.100.0.1") })
        {
            await c.Raw.CreateAsync($"/networks/100/dhcp4_reservations/{mac}", System.Text.Encoding.UTF8.GetBytes("static"));
            await c.Raw.CreateAsync($"/networks/100/dhcp4_reservations/{mac}/ipaddr", System.Text.Encoding.UTF8.GetBytes(address));
            await c.Raw.CreateAsync($"/networks/100/dhcp4_reservations/{mac}/hostname", System.Text.Encoding.UTF8.GetBytes("bad"));
        }

        // the hook is pvcnoded itself; dnsmasq runs it inside the lab node's namespace, whose loopback is not the test's
        // ZooKeeper's, so the test's wrapper enters this process's network namespace first
        var (config, hook) = WriteHook(c);

        using var stop = new CancellationTokenSource();
        var ip = new IpTool(node);
        var settings = new NetworkSettings { ClusterDevice = LabNetwork.InterfaceName };
        var built = new BuiltNetworks(); // as the node service: the gateway waits for the network's build
        var instances = new NetworkInstances(new NetworkHostOperations(c.Connection), settings, ip, new LineLogger()) { Built = built }.RunAsync(stop.Token);
        var log = new LineLogger();
        var dhcp = new PrimaryDhcp(new NetworkHostOperations(c.Connection), ip, new PrimaryDhcpOptions(_dir, hook, config, node) { Built = built }, log).RunAsync(stop.Token);
        try
        {
            var deadline = Stopwatch.StartNew();
            while (!(await ip.RunAsync(["-json", "address", "show"], default)).Contains("\"local\":\"10.100.0.1\"", StringComparison.Ordinal))
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), "The gateway never came up: " + string.Join("\n", log.Lines.Select(l => l.Text)));
                await Task.Delay(50);
            }

            await EventuallyAsync(() => Built(ip, 100), "Network 100 built", log);
            var dynamicGuest = AddGuest(node, "52:54:00:00:00:11");
            var address = IPAddress.Parse(Lease(dynamicGuest));
            Assert.InRange(address.GetAddressBytes()[3], 100, 199);
            Assert.Equal("10.100.0", string.Join('.', address.GetAddressBytes()[..3]));
            var lease = await WaitForLeaseAsync(c, "52:54:00:00:00:11");
            Assert.Equal(address, lease.IpAddress);
            Assert.True(lease.Expiry > DateTimeOffset.UtcNow.AddHours(47)); // PVC's 48 h leases
            Assert.Equal(address.ToString(), await c.ReadAsync("/networks/100/dhcp4_leases/52:54:00:00:00:11/ipaddr"));
            Assert.Equal("", await c.ReadAsync("/networks/100/dhcp4_leases/52:54:00:00:00:11"));

            var reservedGuest = AddGuest(node, "52:54:00:00:00:22");
            var reserved = Lease(reservedGuest);
            Assert.True(reserved == "10.100.0.22", $"The reserved guest got {reserved}; dnsmasq said:\n" + string.Join("\n", log.Lines.Select(l => l.Text)));
            Assert.Equal(IPAddress.Parse("10.100.0.22"), (await WaitForLeaseAsync(c, "52:54:00:00:00:22")).IpAddress);
            Assert.Equal(["52:54:00:00:00:22"], Directory.GetFiles(Path.Combine(_dir, "dnsmasq", "100")).Select(Path.GetFileName));
            Assert.Contains(log.Lines, l => l.Text.Contains("52:54:00:00:00:33,set:x", StringComparison.Ordinal) && l.Text.Contains("is not served", StringComparison.Ordinal));

            // a dnsmasq that dies is started again (rev14 P2-2: before, DHCP stayed down until a network key changed)
            var pidFile = Path.Combine(_dir, "dnsmasq-100.pid");
            var first = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
            Assert.True(LabCommand.Signal(first, "KILL"));
            await EventuallyAsync(() => File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var again) && again != first && LabCommand.IsAlive(again),
                "A new dnsmasq", log);
            var third = AddGuest(node, "52:54:00:00:00:55");
            Assert.Equal("10.100.0", string.Join('.', IPAddress.Parse(Lease(third)).GetAddressBytes()[..3]));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\nThe node said:\n{string.Join("\n", log.Lines.Select(l => l.Text))}");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(instances.ContinueWith(_ => { }, TaskScheduler.Default), dhcp.ContinueWith(_ => { }, TaskScheduler.Default));
        }
        // relinquished: the gateway and the firewall are gone and no dnsmasq of ours is left
        Assert.DoesNotContain("\"local\":\"10.100.0.1\"", await ip.RunAsync(["-json", "address", "show"], default), StringComparison.Ordinal);
        Assert.DoesNotContain("table inet pvc", LabCommand.TryRun("ip", ["netns", "exec", node, "nft", "list", "ruleset"]).Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "dnsmasq-100.pid")) && LabCommand.IsAlive(int.Parse(File.ReadAllText(Path.Combine(_dir, "dnsmasq-100.pid")).Trim(), CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task The_gateway_and_dnsmasq_come_up_only_once_the_network_is_built_with_its_VXLAN_attached_to_the_bridge()
    {
        // before: the primary added the gateway as soon as vmbr100 existed, while vxlan100 was not attached to it yet, and
        // started dnsmasq there: a guest's first DHCP OFFER could be lost (the tests waited for the build before asking).
        // Here PVC's build is held between the bridge up and the port attached: its ethtool step waits for a gate file
        using var lab = LabNetwork.Create();
        await using var c = await TestCluster.StartAsync(zk);
        var node = lab.Namespaces[0];
        var (config, hook) = WriteHook(c);
        var gate = Path.Combine(_dir, "gate");
        using var stop = new CancellationTokenSource();
        var ip = new IpTool(node);
        var log = new LineLogger();
        var built = new BuiltNetworks();
        var instances = new NetworkInstances(new NetworkHostOperations(c.Connection), new NetworkSettings { ClusterDevice = LabNetwork.InterfaceName }, ip, log)
        {
            Built = built,
            CommandLine = command => command.Program == "ethtool"
                ? ["ip", "netns", "exec", node, "sh", "-c", "while [ ! -e \"$0\" ]; do sleep 0.05; done; exec ethtool \"$@\"", gate, .. command.Args]
                : ["ip", "netns", "exec", node, command.Program, .. command.Args],
        }.RunAsync(stop.Token);
        var dhcp = new PrimaryDhcp(new NetworkHostOperations(c.Connection), ip, new PrimaryDhcpOptions(_dir, hook, config, node) { Built = built }, log).RunAsync(stop.Token);
        try
        {
            await c.Connection.Networks.AddAsync(Clients(100));
            // the bridge is up, its port not attached: the build waits at the gate
            await EventuallyAsync(() => ip.ListLinksAsync(default).Result is var links && links.Any(l => l.Name == "vmbr100" && l.Up)
                && links.Any(l => l.Name == "vxlan100" && l.Master is null), "vmbr100 up without its port", log);
            // the primary's verdict on network 100 meanwhile: it waits (or, before, it added the gateway within its 5 s retry)
            await EventuallyAsync(() => log.Lines.Any(l => l.Text.Contains("The gateway of network 100 waits until the network is built", StringComparison.Ordinal)
                || l.Text.Contains("Added the gateway 10.100.0.1/24", StringComparison.Ordinal)), "The primary's pass over network 100", log);
            Assert.False(await HasAddressAsync(ip, "vmbr100", "10.100.0.1/24"), "The gateway is on vmbr100 while vxlan100 is not attached:\n" + string.Join("\n", log.Lines.Select(l => l.Text)));
            Assert.False(File.Exists(Path.Combine(_dir, "dnsmasq-100.pid")), "dnsmasq runs on vmbr100 while vxlan100 is not attached");
            Assert.False(built.IsBuilt(100));

            File.WriteAllText(gate, "");
            await EventuallyAsync(() => HasAddressAsync(ip, "vmbr100", "10.100.0.1/24").Result, "The gateway once the network is built", log);
            Assert.True(Built(ip, 100));
            // in the node's own words: built, then the gateway, then dnsmasq
            await EventuallyAsync(() => log.Lines.Any(l => l.Text.StartsWith("DNS and DHCP for network 100", StringComparison.Ordinal)), "dnsmasq", log);
            var said = log.Lines.Select(l => l.Text).ToList();
            var builtAt = said.FindIndex(l => l.StartsWith("Built network 100", StringComparison.Ordinal));
            var gatewayAt = said.FindIndex(l => l.Contains("Added the gateway 10.100.0.1/24", StringComparison.Ordinal));
            var dnsmasqAt = said.FindIndex(l => l.StartsWith("DNS and DHCP for network 100", StringComparison.Ordinal));
            Assert.True(builtAt >= 0 && builtAt < gatewayAt && gatewayAt < dnsmasqAt, string.Join("\n", said));
            Assert.StartsWith("10.100.0.", Lease(AddGuest(node, "52:54:00:00:02:01")), StringComparison.Ordinal);
        }
        finally
        {
            File.WriteAllText(gate, "");
            await stop.CancelAsync();
            await Task.WhenAll(instances.ContinueWith(_ => { }, TaskScheduler.Default), dhcp.ContinueWith(_ => { }, TaskScheduler.Default));
        }
    }

    /// <summary>The IPv6 addresses of the guest's eth0 that are global, done with duplicate address detection, and dynamic (from a router advertisement).</summary>
    private static string[] SlaacAddresses(string guest) =>
        [.. LabCommand.TryRun("ip", ["-n", guest, "-6", "-o", "address", "show", "dev", "eth0", "scope", "global"]).Output.Split('\n')
            .Where(l => l.Contains("dynamic", StringComparison.Ordinal) && !l.Contains("tentative", StringComparison.Ordinal))
            .Select(l => l.Split("inet6 ")[1].Split('/')[0])];

    /// <summary>The guest's routes learnt from router advertisements ("proto ra").</summary>
    private static string RaRoutes(string guest) =>
        string.Join('\n', LabCommand.TryRun("ip", ["-n", guest, "-6", "route", "show", "proto", "ra"]).Output.Split('\n').Where(l => l.Length > 0));

    /// <summary>dnsmasq's PID from its pid file (the test looks; the service signals by the pidfd of the process it started).</summary>
    private int DnsmasqPid(int vni) =>
        File.Exists(Path.Combine(_dir, $"dnsmasq-{vni}.pid")) && int.TryParse(File.ReadAllText(Path.Combine(_dir, $"dnsmasq-{vni}.pid")).Trim(), CultureInfo.InvariantCulture, out var pid) && LabCommand.IsAlive(pid) ? pid : 0;

    [Fact]
    public async Task A_dual_stack_guest_gets_an_IPv4_lease_and_a_SLAAC_address_from_the_gateways_router_advertisement_and_an_IPv6_only_guest_its_route()
    {
        using var lab = LabNetwork.Create();
        await using var c = await TestCluster.StartAsync(zk);
        var node = lab.Namespaces[0];
        // dual-stack with DHCPv4 and DHCPv6 (PVC sets the DHCPv6 flag with the IPv6 network): PVC's stateless range with
        // router advertisements; IPv6-only: its stateful range, whose advertisements give the route (no DHCPv6 client here)
        await c.Connection.Networks.AddAsync(Clients(100) with { Ip6Network = IPNetwork.Parse("fd00:100::/64"), Ip6Gateway = IPAddress.Parse("fd00:100::1") });
        await c.Connection.Networks.AddAsync(new NetworkSpec { Vni = 101, Description = "v6only", Domain = "v6only.lab", Ip6Network = IPNetwork.Parse("fd00:101::/64"), Ip6Gateway = IPAddress.Parse("fd00:101::1") });
        var (config, hook) = WriteHook(c);
        using var stop = new CancellationTokenSource();
        var ip = new IpTool(node);
        var log = new LineLogger();
        var instances = new NetworkInstances(new NetworkHostOperations(c.Connection), new NetworkSettings { ClusterDevice = LabNetwork.InterfaceName }, ip, log).RunAsync(stop.Token);
        var dhcp = new PrimaryDhcp(new NetworkHostOperations(c.Connection), ip, new PrimaryDhcpOptions(_dir, hook, config, node), log).RunAsync(stop.Token);
        try
        {
            await EventuallyAsync(() => Built(ip, 100) && Built(ip, 101) && HasAddressAsync(ip, "vmbr100", "fd00:100::1/64").Result && HasAddressAsync(ip, "vmbr101", "fd00:101::1/64").Result
                && DnsmasqPid(100) != 0 && DnsmasqPid(101) != 0, "Both networks' gateways and dnsmasqs", log);
            var guest = AddGuest(node, "52:54:00:00:06:01");
            var only6 = AddGuest(node, "52:54:00:00:06:02", "vmbr101");
            var clock = Stopwatch.StartNew();

            // the guest's kernel solicits on link-up and takes the prefix from dnsmasq's advertisement (a real packet)
            await EventuallyAsync(() => SlaacAddresses(guest).Length > 0, "A SLAAC address on the dual-stack guest", log);
            var slaac = IPAddress.Parse(SlaacAddresses(guest)[0]);
            var slaacAfter = clock.Elapsed;
            Assert.True(IPNetwork.Parse("fd00:100::/64").Contains(slaac), $"{slaac} is not in fd00:100::/64");
            Assert.Equal(IPAddress.Parse("fd00:100::5054:ff:fe00:601"), slaac); // EUI-64 of the guest's MAC
            Assert.Contains("default via fe80::", RaRoutes(guest), StringComparison.Ordinal);
            Assert.True(Pings(guest, "fd00:100::1"), "The guest does not reach the IPv6 gateway from its SLAAC address");
            // and DHCPv4 still gives a lease on the same dnsmasq (PVC's own dual-stack flags leave it without one)
            Assert.InRange(IPAddress.Parse(Lease(guest)).GetAddressBytes()[3], 100, 199);

            // the IPv6-only network's advertisement gives the guest its default route through the gateway's link-local address
            await EventuallyAsync(() => RaRoutes(only6).Contains("default via fe80::", StringComparison.Ordinal), "A router advertisement on the IPv6-only guest", log);
            Assert.Contains(log.Lines, l => l.Text.Contains("DHCPv6 and router advertisements for network 101", StringComparison.Ordinal));
            Console.WriteLine($"SLAAC address {slaac} on the guest {slaacAfter.TotalSeconds:0.0} s after its link came up");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\nThe node said:\n{string.Join("\n", log.Lines.Select(l => l.Text))}");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(instances.ContinueWith(_ => { }, TaskScheduler.Default), dhcp.ContinueWith(_ => { }, TaskScheduler.Default));
        }
        Assert.Equal(0, DnsmasqPid(100));
        Assert.Equal(0, DnsmasqPid(101));
    }

    [Fact]
    public async Task A_removed_reservation_is_forgotten_by_the_running_dnsmasq_on_SIGHUP_and_its_guest_gets_a_range_address()
    {
        using var lab = LabNetwork.Create();
        await using var c = await TestCluster.StartAsync(zk);
        var node = lab.Namespaces[0];
        await c.Connection.Networks.AddAsync(Clients(100));
        await c.Connection.Networks.AddReservationAsync("100", "52:54:00:00:07:01", IPAddress.Parse("10.100.0.71"), "reserved");
        var (config, hook) = WriteHook(c);
        using var stop = new CancellationTokenSource();
        var ip = new IpTool(node);
        var log = new LineLogger();
        var instances = new NetworkInstances(new NetworkHostOperations(c.Connection), new NetworkSettings { ClusterDevice = LabNetwork.InterfaceName }, ip, log).RunAsync(stop.Token);
        var dhcp = new PrimaryDhcp(new NetworkHostOperations(c.Connection), ip, new PrimaryDhcpOptions(_dir, hook, config, node), log).RunAsync(stop.Token);
        try
        {
            await EventuallyAsync(() => Built(ip, 100) && HasAddressAsync(ip, "vmbr100", "10.100.0.1/24").Result && DnsmasqPid(100) != 0, "The gateway and dnsmasq", log);
            var guest = AddGuest(node, "52:54:00:00:07:01");
            Assert.Equal("10.100.0.71", Lease(guest));
            var pid = DnsmasqPid(100);

            await c.Connection.Networks.RemoveReservationAsync("100", "52:54:00:00:07:01");
            var hosts = Path.Combine(_dir, "dnsmasq", "100", "52:54:00:00:07:01");
            await EventuallyAsync(() => !File.Exists(hosts) && log.Lines.Any(l => l.Text.Contains("reservation (SIGHUP)", StringComparison.Ordinal)), "The hosts file gone and dnsmasq told", log);
            // the same dnsmasq, told by SIGHUP (PVC's way), not a new one: DNS and DHCP of the network go on meanwhile
            Assert.Equal(pid, DnsmasqPid(100));

            // asked afresh (until dnsmasq has reloaded: the log says the signal was sent, not that it was handled), the
            // guest gets an address of the range from the same dnsmasq: it forgot the reservation (without the SIGHUP it
            // keeps giving 10.100.0.71, the deleted file notwithstanding)
            await LeaseUntilAsync(guest, a => a.GetAddressBytes()[3] is >= 100 and <= 199, pid, "An address of the range", log);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\nThe node said:\n{string.Join("\n", log.Lines.Select(l => l.Text))}");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(instances.ContinueWith(_ => { }, TaskScheduler.Default), dhcp.ContinueWith(_ => { }, TaskScheduler.Default));
        }
    }

    [Fact]
    public async Task A_reservation_whose_address_changes_in_one_transaction_is_reloaded_by_the_running_dnsmasq_on_SIGHUP()
    {
        // Core refuses a second reservation for a MAC, so a new address is a remove and an add; both read in one pass
        // (here: one ZooKeeper multi) rewrite the hosts file and delete none. Before, no SIGHUP went then, and dnsmasq,
        // which adds a changed file's new record but keeps its old one until SIGHUP (its manual), kept the old address
        // reserved: here the range's only address, which another guest then never got
        using var lab = LabNetwork.Create();
        await using var c = await TestCluster.StartAsync(zk);
        var node = lab.Namespaces[0];
        const string mac = "52:54:00:00:08:01";
        await c.Connection.Networks.AddAsync(Clients(100) with { Ip4DhcpStart = IPAddress.Parse("10.100.0.150"), Ip4DhcpEnd = IPAddress.Parse("10.100.0.150") });
        await c.Connection.Networks.AddReservationAsync("100", mac, IPAddress.Parse("10.100.0.150"), "reserved");
        var (config, hook) = WriteHook(c);
        using var stop = new CancellationTokenSource();
        var ip = new IpTool(node);
        var log = new LineLogger();
        var instances = new NetworkInstances(new NetworkHostOperations(c.Connection), new NetworkSettings { ClusterDevice = LabNetwork.InterfaceName }, ip, log).RunAsync(stop.Token);
        var dhcp = new PrimaryDhcp(new NetworkHostOperations(c.Connection), ip, new PrimaryDhcpOptions(_dir, hook, config, node), log).RunAsync(stop.Token);
        try
        {
            await EventuallyAsync(() => Built(ip, 100) && HasAddressAsync(ip, "vmbr100", "10.100.0.1/24").Result && DnsmasqPid(100) != 0, "The gateway and dnsmasq", log);
            var guest = AddGuest(node, mac);
            Assert.Equal("10.100.0.150", Lease(guest));
            var pid = DnsmasqPid(100);

            // Core's remove then its add, as one transaction
            var folder = "/networks/100/dhcp4_reservations";
            var key = $"{folder}/{mac}";
            static byte[] B(string s) => System.Text.Encoding.UTF8.GetBytes(s);
            await c.Raw.MultiAsync(
            [
                Pvc.ZooKeeper.Op.SetData(folder, (await c.Raw.GetDataAsync(folder)).Data),
                Pvc.ZooKeeper.Op.Delete($"{key}/hostname"), Pvc.ZooKeeper.Op.Delete($"{key}/ipaddr"), Pvc.ZooKeeper.Op.Delete(key),
                Pvc.ZooKeeper.Op.Create(key, B("static")), Pvc.ZooKeeper.Op.Create($"{key}/hostname", B("reserved")), Pvc.ZooKeeper.Op.Create($"{key}/ipaddr", B("10.100.0.72")),
            ]);
            var hosts = Path.Combine(_dir, "dnsmasq", "100", mac);
            await EventuallyAsync(() => File.Exists(hosts) && File.ReadAllText(hosts) == $"{mac},10.100.0.72", "The hosts file rewritten", log);

            // the same dnsmasq (told by SIGHUP, not started again) gives the new address, and the old one, free again,
            // to another guest: before, that guest got no lease ('udhcpc got no lease')
            await LeaseUntilAsync(guest, a => a.Equals(IPAddress.Parse("10.100.0.72")), pid, "The reservation's new address", log);
            await LeaseUntilAsync(AddGuest(node, "52:54:00:00:08:02"), a => a.Equals(IPAddress.Parse("10.100.0.150")), pid, "The range's address", log);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\nThe node said:\n{string.Join("\n", log.Lines.Select(l => l.Text))}");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(instances.ContinueWith(_ => { }, TaskScheduler.Default), dhcp.ContinueWith(_ => { }, TaskScheduler.Default));
        }
    }

    /// <summary>
    /// Asks for a lease until the guest's address is <paramref name="wanted"/> (dnsmasq has reloaded), with a deadline,
    /// checking each time that network 100's dnsmasq is still <paramref name="pid"/>: told by SIGHUP, not started again.
    /// </summary>
    private async Task LeaseUntilAsync(string guest, Func<IPAddress, bool> wanted, int pid, string what, LineLogger log)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var address = IPAddress.Parse(Lease(guest));
            Assert.Equal(pid, DnsmasqPid(100));
            if (wanted(address))
                return;
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), $"{what} did not come: the guest still gets {address}; the node said:\n" + string.Join("\n", log.Lines.Select(l => l.Text)));
            await Task.Delay(200);
        }
    }

    private static NetworkSpec Clients(int vni) => new()
    {
        Vni = vni, Description = "clients", Ip4Network = IPNetwork.Parse($"10.{vni}.0.0/24"), Ip4Gateway = IPAddress.Parse($"10.{vni}.0.1"),
        Ip4Dhcp = true, Ip4DhcpStart = IPAddress.Parse($"10.{vni}.0.100"), Ip4DhcpEnd = IPAddress.Parse($"10.{vni}.0.199"),
    };

    [Fact]
    public async Task Guests_reach_only_the_gateways_own_services_and_an_ACL_drops_then_allows_routed_traffic_as_it_changes()
    {
        using var lab = LabNetwork.Create();
        await using var c = await TestCluster.StartAsync(zk);
        var node = lab.Namespaces[0];
        await c.Connection.Networks.AddAsync(Clients(100));
        // a managed network without DHCP gets its gateway all the same (rev14 P3-5: it had none)
        await c.Connection.Networks.AddAsync(new NetworkSpec { Vni = 101, Description = "servers", Ip4Network = IPNetwork.Parse("10.101.0.0/24"), Ip4Gateway = IPAddress.Parse("10.101.0.1") });
        Run("ip", "netns", "exec", node, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"); // a router, as PVC's hosts are set up
        var (config, hook) = WriteHook(c);
        // an administrator's own rule (PVC's static/* include)
        Directory.CreateDirectory(Path.Combine(_dir, "nft", "static"));
        File.WriteAllText(Path.Combine(_dir, "nft", "static", "lab.nft"), $"add chain inet {NetworkFirewall.Table} lab-static\n");
        using var stop = new CancellationTokenSource();
        var ip = new IpTool(node);
        var log = new LineLogger();
        var built = new BuiltNetworks();
        var instances = new NetworkInstances(new NetworkHostOperations(c.Connection), new NetworkSettings { ClusterDevice = LabNetwork.InterfaceName }, ip, log) { Built = built }.RunAsync(stop.Token);
        var dhcp = new PrimaryDhcp(new NetworkHostOperations(c.Connection), ip, new PrimaryDhcpOptions(_dir, hook, config, node) { Built = built }, log).RunAsync(stop.Token);
        // a service of the primary on every address (ZooKeeper's port), as ZooKeeper, libvirtd and sshd listen
        using var listener = Process.Start(new ProcessStartInfo("ip", ["netns", "exec", node, "busybox", "nc", "-ll", "-p", "2181", "-e", "/bin/true"]))!;
        try
        {
            await EventuallyAsync(() => HasAddressAsync(ip, "vmbr100", "10.100.0.1/24").Result && HasAddressAsync(ip, "vmbr101", "10.101.0.1/24").Result && Built(ip, 100) && Built(ip, 101), "Both gateways", log);
            var guest = AddStaticGuest(node, "52:54:00:00:01:01", "vmbr100", "10.100.0.50/24", "10.100.0.1");
            var server = AddStaticGuest(node, "52:54:00:00:01:02", "vmbr101", "10.101.0.50/24", "10.101.0.1");

            // rev14 P1-3: the primary's port is open on its own address (the listener is up) but not to a guest through
            // the gateway; before the firewall the guest connected. ICMP, DHCP and DNS are still let in.
            await EventuallyAsync(() => Connects(node, "127.0.0.1", 2181), "The listener", log);
            Assert.False(Connects(guest, "10.100.0.1", 2181), "A guest reached port 2181 on the primary through its gateway");
            Assert.True(Pings(guest, "10.100.0.1"));
            var dynamicGuest = AddGuest(node, "52:54:00:00:01:03");
            Assert.StartsWith("10.100.0.", Lease(dynamicGuest), StringComparison.Ordinal);

            // PVC runs a dnsmasq on every managed network's gateway, DHCP or not: the network without DHCP has its DNS
            // (before, only networks with DHCPv4 got a dnsmasq, and this dig had no answer)
            await EventuallyAsync(() => LabCommand.TryRun("ip", ["netns", "exec", server, "dig", "+norec", "+time=1", "+tries=1", "@10.101.0.1", "servers.local", "SOA"], TimeSpan.FromSeconds(10))
                .Output.Contains("status: NOERROR", StringComparison.Ordinal), "DNS on the gateway of the network without DHCP", log);
            Assert.Contains("chain lab-static", LabCommand.TryRun("ip", ["netns", "exec", node, "nft", "list", "table", "inet", NetworkFirewall.Table]).Output, StringComparison.Ordinal);

            // routed between the networks through the primary, then dropped by an ACL on the way into 101, then allowed again
            Assert.True(Pings(guest, "10.101.0.50"), "The guests could not reach each other through the primary before any ACL");
            var networks = new NetworkOperations(c.Connection);
            await networks.AddAclAsync("101", Pvc.Core.Schema.FirewallDirection.In, "no-clients", "ip saddr 10.100.0.0/24 drop");
            await EventuallyAsync(() => !Pings(guest, "10.101.0.50"), "The ACL's drop", log);
            var chain = LabCommand.TryRun("ip", ["netns", "exec", node, "nft", "list", "chain", "inet", NetworkFirewall.Table, "vxlan101-in"]).Output;
            var counted = System.Text.RegularExpressions.Regex.Match(chain, @"counter packets ([0-9]+) bytes [0-9]+ ip saddr 10\.100\.0\.0/24 drop");
            Assert.True(counted.Success && int.Parse(counted.Groups[1].Value, CultureInfo.InvariantCulture) > 0, chain);
            Assert.True(Pings(server, "10.101.0.1")); // the network itself still reaches its gateway
            await networks.RemoveAclAsync("101", "no-clients");
            await EventuallyAsync(() => Pings(guest, "10.101.0.50"), "The ACL's removal", log);
        }
        finally
        {
            listener.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(instances.ContinueWith(_ => { }, TaskScheduler.Default), dhcp.ContinueWith(_ => { }, TaskScheduler.Default));
        }
        Assert.DoesNotContain("table inet pvc", LabCommand.TryRun("ip", ["netns", "exec", node, "nft", "list", "ruleset"]).Output, StringComparison.Ordinal);
        Assert.False(await HasAddressAsync(ip, "vmbr101", "10.101.0.1/24"));
    }

    [Fact]
    public async Task A_gateway_left_by_a_primary_that_died_is_removed_when_the_node_starts_again()
    {
        // rev14 P2-1: the relinquish in a finally block was the only removal, so a SIGKILLed primary kept the gateway
        using var lab = LabNetwork.Create();
        await using var c = await TestCluster.StartAsync(zk);
        var node = lab.Namespaces[0];
        await c.Connection.Networks.AddAsync(Clients(100));
        var ip = new IpTool(node);
        var log = new LineLogger();
        await new NetworkInstances(new NetworkHostOperations(c.Connection), new NetworkSettings { ClusterDevice = LabNetwork.InterfaceName }, ip, log)
            .ReconcileAsync(await c.Connection.Networks.ListAsync(), default);
        // what the dead primary left: its gateway, its firewall, a floating address
        await ip.RunAsync(["address", "add", "10.100.0.1/24", "dev", "vmbr100"], default);
        await ip.RunAsync(["address", "add", "10.213.0.250/24", "dev", LabNetwork.InterfaceName], default);
        Run("ip", "netns", "exec", node, "nft", "add", "table", "inet", NetworkFirewall.Table);
        // and the host's own firewall (Debian's default /etc/nftables.conf names its table inet filter, as PVC does)
        Run("ip", "netns", "exec", node, "nft", "add", "table", "inet", "filter");
        Run("ip", "netns", "exec", node, "nft", "add", "chain", "inet", "filter", "input", "{ type filter hook input priority 0; }");
        var floating = new Pvc.NodeService.Configuration.FloatingAddress("cluster", LabNetwork.InterfaceName, IPAddress.Parse("10.213.0.250"), 24);
        var (config, hook) = WriteHook(c);

        await new PrimaryDhcp(new NetworkHostOperations(c.Connection), ip, new PrimaryDhcpOptions(_dir, hook, config, node) { FloatingAddresses = [floating] }, log)
            .ClearStaleAsync(await c.Connection.Networks.ListAsync(), default);

        static IEnumerable<string> V4(IReadOnlyList<string> addresses) => addresses.Where(a => !a.Contains(':', StringComparison.Ordinal));
        Assert.Empty(V4(await ip.ListAddressesAsync("vmbr100", default)));
        Assert.Equal(["10.213.0.1/24"], V4(await ip.ListAddressesAsync(LabNetwork.InterfaceName, default))); // the node's own stays
        var ruleset = LabCommand.TryRun("ip", ["netns", "exec", node, "nft", "list", "ruleset"]).Output;
        Assert.DoesNotContain("table inet pvc", ruleset, StringComparison.Ordinal);
        // before: the cleanup deleted inet filter, the host's firewall included
        Assert.Contains("table inet filter", ruleset, StringComparison.Ordinal);
    }

    [Fact]
    public void The_firewall_files_include_the_static_rules_and_jump_on_IPv6_before_IPv4_as_PVCs()
    {
        var text = NetworkFirewall.NetworkFile(new Network
        {
            Vni = 100, Description = "dual", Ip4Network = IPNetwork.Parse("10.100.0.0/24"), Ip4Gateway = IPAddress.Parse("10.100.0.1"),
            Ip6Network = IPNetwork.Parse("fd00:100::/64"), Ip6Gateway = IPAddress.Parse("fd00:100::1"),
        });
        var v6 = text.IndexOf("forward ip6 daddr fd00:100::/64 counter jump vxlan100-in", StringComparison.Ordinal);
        var v4 = text.IndexOf("forward ip daddr 10.100.0.0/24 counter jump vxlan100-in", StringComparison.Ordinal);
        Assert.True(v6 >= 0 && v4 > v6, text);
        // the static files before the networks', as PVC's base.nft; without them (a bad one: review 8) only the networks'
        var based = NetworkFirewall.BaseFile("/run/pvc/nft/networks", "/run/pvc/nft/static");
        var statics = based.IndexOf("include \"/run/pvc/nft/static/*\"", StringComparison.Ordinal);
        Assert.True(statics >= 0 && based.IndexOf("include \"/run/pvc/nft/networks/*.nft\"", StringComparison.Ordinal) > statics, based);
        Assert.DoesNotContain("static", NetworkFirewall.BaseFile("/run/pvc/nft/networks"), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var name in _namespaces)
            LabCommand.TryRun("ip", ["netns", "del", name]);
        Directory.Delete(_dir, recursive: true);
    }
}

