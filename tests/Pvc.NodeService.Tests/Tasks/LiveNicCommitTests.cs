using System.Text.Json.Nodes;
using Pvc.Core.Networks;
using Pvc.Core.Schema;
using Pvc.Core.Tasks;
using Pvc.Core.Vms;
using Pvc.NodeService.Tasks;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Tasks;

/// <summary>
/// Review of 2026-12-03 (5): a live NIC add's commit checks the version of every other VM's XML read for its MAC
/// check, across the node's attach (up to 90 s); any write of another VM's XML meanwhile failed the commit after the NIC
/// was hot-plugged, and its undo (a detach the guest may not complete) could leave a NIC in no stored XML. The commit
/// now reads the MACs in use again and commits again when the MAC is still unique (the VM's own keys still checked).
/// The node here is a runner whose vm.live_change handler reports success without libvirt: the commit is what is tested
/// (the attach itself is in VmLiveChangeLabTests).
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class LiveNicCommitTests(ZooKeeperFixture zk)
{
    /// <summary>A node's vm.live_change handler that records each change and reports it made.</summary>
    private sealed class MadeHandler : IClusterTaskHandler
    {
        public List<string> Kinds { get; } = [];
        public string Kind => ClusterTaskKinds.VmLiveChange;
        public bool SafeToRepeat => false;

        public Task<JsonNode?> RunAsync(ClusterTaskContext context, CancellationToken ct)
        {
            lock (Kinds)
                Kinds.Add(context.Task.Arguments["kind"]?.ToString() ?? "?");
            return Task.FromResult<JsonNode?>(null);
        }
    }

    [Fact]
    public async Task A_live_NIC_add_is_stored_when_another_VMs_XML_is_written_during_the_attach()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await c.Connection.Networks.AddAsync(new NetworkSpec { Vni = 200, Description = "backend", Type = NetworkType.Bridged });
        var uuid = await PvcSeed.AddVmAsync(c.Raw, "nic-live", "hv1");
        var other = await PvcSeed.AddVmAsync(c.Raw, "nic-other", "hv1", state: "stop");
        var ops = new VmOperations(c.Connection);
        var vm = await ops.ResolveAsync("nic-live");
        var otherXml = DomainKeys.Path(other, DomainKeys.Xml);
        // an unrelated write of the other VM's XML between the node's attach and this add's commit
        ops.LiveChangeMade = async (_, ct) =>
        {
            var now = await c.Raw.GetDataAsync(otherXml, cancellationToken: ct);
            await c.Raw.SetDataAsync(otherXml, now.Data, now.Stat.Version, ct);
        };
        var handler = new MadeHandler();
        using var stop = new CancellationTokenSource();
        var runner = new ClusterTaskRunner(c.Connection, "hv1", [handler], null, new LineLogger()).RunAsync(stop.Token);
        try
        {
            const string Mac = "02:00:00:00:05:01";
            // before the fix: a WriteConflict (VmChangedMeanwhile) and the NIC detached again on the running VM
            Assert.Equal((Mac, VmChangeEffect.Live), await ops.AddNetworkAsync(vm, "200", Mac));

            Assert.Single((await c.Connection.Vms.GetAsync(uuid)).Nics, n => n.Mac == Mac);
            lock (handler.Kinds)
                Assert.Single(handler.Kinds); // attached once, never detached
        }
        finally
        {
            await stop.CancelAsync();
            await runner.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
