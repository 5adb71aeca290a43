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
        var (config, hook) = NetworkLab.WriteHook(_dir, c);
        var run = Path.Combine(_dir, "run");
        Directory.CreateDirectory(run);

        using var stop = new CancellationTokenSource();
        var ip = new IpTool(node);
        var log = new LineLogger();
        var instances = new NetworkInstances(new NetworkHostOperations(c.Connection), new NetworkSettings { ClusterDevice = LabNetwork.InterfaceName }, ip, log).RunAsync(stop.Token);
        var primary = new PrimaryDhcp(new NetworkHostOperations(c.Connection), ip, new PrimaryDhcpOptions(run, hook, config, node), log).RunAsync(stop.Token);
        try
        {
            await NetworkLab.EventuallyAsync(() => Task.FromResult(LabCommand.Runs("dnsmasq", $"--pid-file={Path.Combine(run, "dnsmasq-100.pid")}")), "dnsmasq", log);
            var guest = NetworkLab.AddGuest(node, NetworkLab.NewGuestName(ref _guests, _namespaces), "vmbr100", NetworkLab.MacOf(uuid));
            var (address, _) = NetworkLab.TakeLease(guest);
            await NetworkLab.WaitForLeaseAsync(c, NetworkLab.MacOf(uuid), address);

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
            var stranger = NetworkLab.AddGuest(node, NetworkLab.NewGuestName(ref _guests, _namespaces), "vmbr100", "52:54:00:00:0e:99");
            var (strangerAddress, _) = NetworkLab.TakeLease(stranger);
            await NetworkLab.WaitForLeaseAsync(c, "52:54:00:00:0e:99", strangerAddress);
            Assert.Equal(404, NetworkLab.Get(stranger, "/latest/meta-data/instance-id").Status);
            Assert.Equal(404, NetworkLab.Get(stranger, "/latest/user-data").Status);
            Assert.Contains(log.Lines, l => l.Text.Contains("Serving the metadata API on http://169.254.169.254:80/", StringComparison.Ordinal));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\nThe node said:\n{string.Join("\n", log.Lines.Select(l => l.Text))}");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(instances.ContinueWith(_ => { }, TaskScheduler.Default), primary.ContinueWith(_ => { }, TaskScheduler.Default));
        }
        // before: Stop then Close looked the endpoint up twice and the second look failed to bind it again, which
        // ended the relinquish before the metadata address was removed
        Assert.Contains(log.Lines, l => l.Text == "Stopped the metadata API");
        Assert.DoesNotContain(log.Lines, l => l.Text.Contains("did not close cleanly", StringComparison.Ordinal));
        // relinquished: the metadata address is gone from lo and nothing listens there any more
        Assert.False((await ip.RunAsync(["-4", "-o", "address", "show", "dev", "lo"], default)).Contains("169.254.169.254", StringComparison.Ordinal),
            "The metadata address stayed on lo; the node said:\n" + string.Join("\n", log.Lines.Select(l => l.Text)));
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
        await ops.RecordLeaseAsync(new DhcpLease { Vni = 100, MacAddress = mac, IpAddress = IPAddress.Parse("10.100.0.150") }, default);
        Assert.Equal(new MetadataGuest(uuid, "web1", null), await ops.FindGuestAsync(IPAddress.Parse("10.100.0.150"), default));
        Assert.Equal(new MetadataGuest(uuid, "web1", null), await ops.FindGuestAsync(IPAddress.Parse("10.100.0.150").MapToIPv6(), default));
        Assert.Null(await ops.FindGuestAsync(IPAddress.Parse("10.100.0.151"), default));

        // a profile with a line break (written by anyone in PVC-compatible mode) is not served as a header-like answer
        await c.Raw.SetDataAsync($"/domains/{uuid}/profile", "std\nX-Injected: 1"u8.ToArray());
        Assert.Null(await ops.FindGuestAsync(IPAddress.Parse("10.100.0.150"), default));
        await c.Raw.SetDataAsync($"/domains/{uuid}/profile", "std-2"u8.ToArray());
        Assert.Equal("std-2", (await ops.FindGuestAsync(IPAddress.Parse("10.100.0.150"), default))?.Profile);

        // a second VM with the same MAC: the guest cannot be told apart, so neither is answered
        var twin = Guid.NewGuid();
        await PvcSeed.AddVmAsync(c.Raw, "web2", "hv1", uuid: twin, xml: PvcSeed.Xml(uuid, "web2").Replace(uuid.ToString(), twin.ToString(), StringComparison.Ordinal));
        Assert.Null(await ops.FindGuestAsync(IPAddress.Parse("10.100.0.150"), default));
    }

    public void Dispose()
    {
        foreach (var name in _namespaces)
            LabCommand.TryRun("ip", ["netns", "del", name]);
        Directory.Delete(_dir, recursive: true);
    }
}
