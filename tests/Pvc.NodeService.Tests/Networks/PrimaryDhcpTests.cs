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

    /// <summary>A guest: a namespace whose eth0 (with <paramref name="mac"/>) is the peer of a port of the node's vmbr100.</summary>
    private string AddGuest(string node, string mac)
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
        Run("ip", "-n", node, "link", "set", port, "master", "vmbr100");
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

        // the hook is pvcnoded itself; dnsmasq runs it inside the lab node's namespace, whose loopback is not the test's
        // ZooKeeper's, so the test's wrapper enters this process's network namespace first
        var config = Path.Combine(_dir, "pvc.conf");
        File.WriteAllText(config, $"cluster:\n  name: lab\n  coordinator_nodes: [hv1]\nnode:\n  name: hv1\n  zookeeper: {c.Chroot}\n");
        var hook = Path.Combine(_dir, "lease-hook");
        File.WriteAllText(hook, $"#!/bin/sh\nexec nsenter --net=/proc/{Environment.ProcessId}/ns/net {Path.Combine(AppContext.BaseDirectory, "pvcnoded")} \"$@\"\n");
        File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        using var stop = new CancellationTokenSource();
        var ip = new IpTool(node);
        var settings = new NetworkSettings { ClusterDevice = LabNetwork.InterfaceName };
        var instances = new NetworkInstances(new NetworkHostOperations(c.Connection), settings, ip, new LineLogger()).RunAsync(stop.Token);
        var log = new LineLogger();
        var dhcp = new PrimaryDhcp(new NetworkHostOperations(c.Connection), ip, new PrimaryDhcpOptions(_dir, hook, config, node), log).RunAsync(stop.Token);
        try
        {
            var deadline = Stopwatch.StartNew();
            while (!(await ip.RunAsync(["-json", "address", "show"], default)).Contains("\"local\":\"10.100.0.1\"", StringComparison.Ordinal))
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), "The gateway never came up: " + string.Join("\n", log.Lines.Select(l => l.Text)));
                await Task.Delay(50);
            }

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
        // relinquished: the gateway is gone and no dnsmasq of ours is left
        Assert.DoesNotContain("\"local\":\"10.100.0.1\"", await ip.RunAsync(["-json", "address", "show"], default), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "dnsmasq-100.pid")) && LabCommand.IsAlive(int.Parse(File.ReadAllText(Path.Combine(_dir, "dnsmasq-100.pid")).Trim(), CultureInfo.InvariantCulture)));
    }

    public void Dispose()
    {
        foreach (var name in _namespaces)
            LabCommand.TryRun("ip", ["netns", "del", name]);
        Directory.Delete(_dir, recursive: true);
    }
}

