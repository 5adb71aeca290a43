using System.Diagnostics;
using Pvc.Core.Errors;
using Pvc.Core.Networks;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.NodeService.Libvirt;
using Pvc.Testing.Lab;
using Pvc.Testing.Pvc;
using Xunit.Abstractions;

namespace Pvc.NodeService.Tests.Lab;

/// <summary>
/// Live changes of a running guest on a real QEMU host (TCG), made by its node service through libvirt as the cmdlets
/// ask for them through Core: a NIC attached and detached, a vCPU hot-plugged, and an attach libvirt refuses, which
/// leaves the stored XML as it was. The bridges are made in the host's network namespace by the test (the lab's node
/// services build no networks).
/// </summary>
[Collection(QemuLabCollection.Name)]
public sealed class VmLiveChangeLabTests(QemuLabFixture lab, ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_NIC_is_attached_to_a_running_guest_live_and_a_detach_the_guest_does_not_complete_leaves_it_stored()
    {
        var c = lab.Cluster;
        await c.Connection.Networks.AddAsync(new NetworkSpec { Vni = 3101, Description = "live-nic", Type = NetworkType.Bridged });
        Bridge(lab.Hosts[0].Namespace, "vmbr3101", add: true);
        try
        {
            // PCI hot-plug on QEMU's i440fx needs ACPI (without it: "Bus 'pci.0' does not support hotplugging"); PVC's VMs have it
            var vm = await StartAsync("tick-nic", "hv1", WithAcpi);
            using var hv1 = LibvirtConnection.Open(lab.Hosts[0].LibvirtUri);

            var took = Stopwatch.StartNew();
            var (mac, effect) = await c.Vms.AddNetworkAsync(vm, "3101");
            output.WriteLine($"NIC {mac} attached live in {took.Elapsed.TotalSeconds:0.00} s (request to stored XML)");

            Assert.Equal(VmChangeEffect.Live, effect);
            using (var domain = hv1.LookupDomain(vm.Uuid))
            {
                var live = domain.GetXml();
                Assert.Contains($"<mac address='{mac}'/>", live, StringComparison.Ordinal);
                Assert.Contains("<source bridge='vmbr3101'/>", live, StringComparison.Ordinal);
                Assert.Equal(DomainState.Running, domain.GetState().State);
            }
            var stored = await c.Connection.Vms.GetAsync(vm.Uuid);
            Assert.Equal([new VmNic("bridge", mac, "vmbr3101", "virtio")], stored.Nics);

            // the guest (a bare kernel) never answers ACPI's unplug: libvirt sends the request, QEMU removes the device when
            // a guest acknowledges it. The node waits for the device to leave the running domain; it stays, so the
            // removal fails and the stored XML keeps the NIC (review of 2026-12-03: it lost it while the guest kept it)
            var took2 = Stopwatch.StartNew();
            var e = await PvcAssert.ThrowsAsync(PvcErrorKind.OperationTimeout, () => c.Vms.RemoveNetworkAsync(vm, "3101"));
            output.WriteLine($"{e.ErrorId} after {took2.Elapsed.TotalSeconds:0.0} s: {e.Message}");
            Assert.Equal("LiveDetachNotDone", e.ErrorId);
            Assert.Contains(mac, e.Message, StringComparison.Ordinal);
            Assert.Equal([new VmNic("bridge", mac, "vmbr3101", "virtio")], (await c.Connection.Vms.GetAsync(vm.Uuid)).Nics);
            using (var domain = hv1.LookupDomain(vm.Uuid))
                Assert.Contains($"<mac address='{mac}'/>", domain.GetXml(), StringComparison.Ordinal);

            await c.Vms.StopAsync(vm);
            await c.WaitNotRunningAsync(vm.Uuid);
        }
        finally
        {
            Bridge(lab.Hosts[0].Namespace, "vmbr3101", add: false);
        }
    }

    [Fact]
    public async Task A_vCPU_is_hot_plugged_into_a_running_guest_up_to_its_maximum()
    {
        var c = lab.Cluster;
        var vm = await StartAsync("tick-vcpu", "hv1", xml => xml.Replace("<vcpu>1</vcpu>", "<vcpu current='1'>2</vcpu>", StringComparison.Ordinal));
        using var hv1 = LibvirtConnection.Open(lab.Hosts[0].LibvirtUri);
        using (var domain = hv1.LookupDomain(vm.Uuid))
            Assert.Equal(1, domain.GetInfo().VirtualCpus);

        Assert.Equal(VmChangeEffect.Live, await c.Vms.SetResourcesAsync(vm, new VmResourceChange { Vcpus = 2 }));

        using (var domain = hv1.LookupDomain(vm.Uuid))
        {
            Assert.Equal(2, domain.GetInfo().VirtualCpus);
            Assert.Equal(DomainState.Running, domain.GetState().State);
        }
        var xml = await c.Vms.GetXmlAsync(vm);
        Assert.Contains("<vcpu>2</vcpu>", xml, StringComparison.Ordinal);
        await c.Vms.StopAsync(vm);
        await c.WaitNotRunningAsync(vm.Uuid);
    }

    [Fact]
    public async Task A_live_change_libvirt_refuses_leaves_the_stored_XML_as_it_was_and_says_why()
    {
        var c = lab.Cluster;
        // the network exists, but its bridge is not on hv1: libvirt cannot attach a NIC to it
        await c.Connection.Networks.AddAsync(new NetworkSpec { Vni = 3102, Description = "no-bridge", Type = NetworkType.Bridged });
        var vm = await StartAsync("tick-refused", "hv1", WithAcpi);
        var xmlKey = DomainKeys.Path(vm.Uuid, DomainKeys.Xml);
        var before = await c.Connection.ZooKeeper.GetDataAsync(xmlKey);

        var e = await PvcAssert.ThrowsAsync(PvcErrorKind.InvalidOperation, () => c.Vms.AddNetworkAsync(vm, "3102"));
        output.WriteLine(e.Message);

        Assert.Equal("LiveChangeRefused", e.ErrorId);
        Assert.Contains("vmbr3102", e.Message, StringComparison.Ordinal);
        var after = await c.Connection.ZooKeeper.GetDataAsync(xmlKey);
        Assert.Equal((before.Stat.Version, System.Text.Encoding.UTF8.GetString(before.Data)), (after.Stat.Version, System.Text.Encoding.UTF8.GetString(after.Data)));
        using (var hv1 = LibvirtConnection.Open(lab.Hosts[0].LibvirtUri))
        using (var domain = hv1.LookupDomain(vm.Uuid))
        {
            Assert.DoesNotContain("vmbr3102", domain.GetXml(), StringComparison.Ordinal);
            Assert.Equal(DomainState.Running, domain.GetState().State);
        }
        await c.Vms.StopAsync(vm);
        await c.WaitNotRunningAsync(vm.Uuid);
    }

    /// <summary>Defines a tick guest (PVC's own define, as <see cref="QemuLabTests"/> does), starts it and waits until it runs there.</summary>
    private async Task<VmRef> StartAsync(string name, string node, Func<string, string>? edit = null)
    {
        var uuid = Guid.NewGuid();
        var xml = TickGuest.Xml(uuid, name, lab.GuestImage);
        await PvcSeed.AddVmAsync(lab.Cluster.Connection.ZooKeeper, name, node, state: "stop", uuid: uuid, xml: edit is null ? xml : edit(xml));
        var vm = new VmRef(uuid, name);
        await lab.Cluster.Vms.StartAsync(vm);
        await lab.Cluster.Vms.WaitRunningAsync(vm, Wait);
        await lab.Cluster.WaitRunningOnAsync(uuid, node);
        return vm;
    }

    private static string WithAcpi(string xml) => xml.Replace("<clock offset='utc'/>", "<features><acpi/></features><clock offset='utc'/>", StringComparison.Ordinal);

    private static void Bridge(string networkNamespace, string name, bool add)
    {
        if (add)
        {
            LabCommand.Run("ip", "netns", "exec", networkNamespace, "ip", "link", "add", name, "type", "bridge");
            LabCommand.Run("ip", "netns", "exec", networkNamespace, "ip", "link", "set", name, "up");
        }
        else
        {
            LabCommand.TryRun("ip", ["netns", "exec", networkNamespace, "ip", "link", "del", name]);
        }
    }
}
