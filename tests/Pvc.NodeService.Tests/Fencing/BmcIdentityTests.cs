using System.Text;
using Pvc.Core.Faults;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.NodeService.Fencing;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Tests.Fencing;

/// <summary>
/// Issue 13 (security): the fencer powered off whatever BMC a node's <c>ipmihostname</c> named. Pointed at another
/// node's BMC (a copied pvc.conf, a key rewritten in ZooKeeper), a fence powered off a healthy node and started the
/// dead one's VMs beside its still-running own. Each node now records the system GUID its own BMC reports when it
/// registers, and the fencer asks the BMC it reaches who it is before powering anything off. Real ipmi_sim BMCs, each
/// with a system GUID of its own.
/// </summary>
[Collection(FencingCollection.Name)]
public sealed class BmcIdentityTests(ZooKeeperFixture zk)
{
    /// <summary>How hv3's registration is made to name hv2's BMC.</summary>
    public enum Rewrite
    {
        /// <summary>Its address only: the BMC reached answers as hv2's, which hv2 recorded.</summary>
        Address,
        /// <summary>Its address and its recorded GUID (hv2's): still hv2's, which no other node may be fenced through.</summary>
        AddressAndIdentity,
        /// <summary>Its address, hv2 having recorded nothing: the BMC answers as a system other than the one hv3 recorded.</summary>
        AddressOfAnUnrecordedBmc,
    }

    [Theory]
    [InlineData(Rewrite.Address, "answers as node hv2's")]
    [InlineData(Rewrite.AddressAndIdentity, "answers as node hv2's")]
    [InlineData(Rewrite.AddressOfAnUnrecordedBmc, "but hv3 recorded")]
    public async Task A_node_whose_BMC_address_names_another_nodes_BMC_is_not_fenced_through_it_and_is_once_it_names_its_own(Rewrite rewrite, string why)
    {
        await using var lab = await HaLab.StartAsync(await zk.NewChrootAsync("bmcid"));
        var zkc = lab.Cluster.Connection.ZooKeeper;
        // every node recorded its own BMC's system GUID at registration, and no two are alike
        var recorded = await Task.WhenAll(lab.Cluster.Nodes.Select(n => lab.Cluster.ReadAsync(BmcIdentity.Path(n.Name))));
        Assert.All(recorded, g => Assert.NotNull(BmcIdentity.Decode(g)));
        Assert.Equal(3, recorded.Distinct().Count());

        // hv3's registration now names hv2's BMC (address and credentials, as a copied pvc.conf would), and maybe more
        var ownAddress = await lab.Cluster.ReadAsync(NodeKeys.Path("hv3", NodeKeys.IpmiHostname));
        var ownPassword = await lab.Cluster.ReadAsync(NodeKeys.Path("hv3", NodeKeys.IpmiPassword));
        await zkc.MultiAsync([Op.SetData(NodeKeys.Path("hv3", NodeKeys.IpmiHostname), Encoding.UTF8.GetBytes(lab.Cluster.Bmcs[1].Address)),
            Op.SetData(NodeKeys.Path("hv3", NodeKeys.IpmiPassword), Encoding.UTF8.GetBytes(lab.Cluster.Bmcs[1].Password))]);
        if (rewrite == Rewrite.AddressAndIdentity)
            await zkc.SetDataAsync(BmcIdentity.Path("hv3"), Encoding.UTF8.GetBytes(recorded[1]));
        if (rewrite == Rewrite.AddressOfAnUnrecordedBmc)
            await zkc.SetDataAsync(BmcIdentity.Path("hv2"), ""u8.ToArray());
        lab.Crash("hv3");

        var message = await lab.Cluster.WaitAsync(FaultKeys.Path(FaultIds.FenceFailed("hv3"), FaultKeys.Message), m => m.Contains("hv3", StringComparison.Ordinal),
            "the refused fence's fault");
        Assert.True(message.Contains(why, StringComparison.Ordinal), message);
        // before: hv2 powered off ("set power 0" on its BMC) and hv3's VMs started beside hv2's, which died with it
        Assert.Empty(lab.PowerRequests("hv2"));
        Assert.Equal("dead", await lab.DaemonStateAsync("hv3"));
        foreach (var vm in lab.VmsOf["hv3"])
        {
            var now = await lab.Cluster.Connection.Vms.GetAsync(vm.Uuid);
            Assert.Equal(("hv3", VmState.Start), (now.Node, now.State));
        }

        // its own BMC's address (and GUID) back: the monitor's next try fences hv3, and only then do its VMs move
        await zkc.MultiAsync([Op.SetData(NodeKeys.Path("hv3", NodeKeys.IpmiHostname), Encoding.UTF8.GetBytes(ownAddress)),
            Op.SetData(NodeKeys.Path("hv3", NodeKeys.IpmiPassword), Encoding.UTF8.GetBytes(ownPassword))]);
        await zkc.SetDataAsync(BmcIdentity.Path("hv3"), Encoding.UTF8.GetBytes(recorded[2]));
        await lab.Cluster.WaitAsync(NodeKeys.Path("hv3", NodeKeys.DaemonState), s => s == "fenced", "hv3 fenced through its own BMC");
        await lab.WaitAllRunningAsync("hv3's VMs running on hv1 and hv2", node => node != "hv3");
        Assert.Contains("set power 0", lab.PowerRequests("hv3"));
        Assert.Empty(lab.PowerRequests("hv2"));
        lab.Invariant.AssertHeld();
    }

    [Fact]
    public async Task A_node_restarted_with_another_nodes_BMC_in_its_pvc_conf_does_not_take_that_BMC_for_its_own_and_that_node_stays_fenceable()
    {
        await using var lab = await HaLab.StartAsync(await zk.NewChrootAsync("bmcid"), vmsPerNode: 1);
        var recorded = await Task.WhenAll(lab.Cluster.Nodes.Select(n => lab.Cluster.ReadAsync(BmcIdentity.Path(n.Name))));

        // hv3 restarts with a pvc.conf copied from hv2's: its BMC section names hv2's BMC
        var hv3 = lab.Cluster.Nodes[2];
        hv3.Stop();
        var config = await File.ReadAllTextAsync(hv3.ConfigPath);
        await File.WriteAllTextAsync(hv3.ConfigPath, config.Replace(lab.Cluster.Bmcs[2].Address, lab.Cluster.Bmcs[1].Address, StringComparison.Ordinal)
            .Replace(lab.Cluster.Bmcs[2].Password, lab.Cluster.Bmcs[1].Password, StringComparison.Ordinal));
        hv3.Start();
        await lab.Cluster.WaitAsync(NodeKeys.Path("hv3", NodeKeys.DaemonState), s => s == "run", "hv3 running again");
        // before: hv3 recorded hv2's GUID as its own
        Assert.Equal(recorded[2], await lab.Cluster.ReadAsync(BmcIdentity.Path("hv3")));
        await lab.Cluster.WaitForLogAsync(hv3, "answers as node hv2's");

        // so hv2 is still fenced through its BMC (before: refused, its BMC "answering as node hv3's")
        lab.Crash("hv2");
        await lab.Cluster.WaitAsync(NodeKeys.Path("hv2", NodeKeys.DaemonState), s => s == "fenced", "hv2 fenced through its own BMC");
        Assert.Contains("set power 0", lab.PowerRequests("hv2"));
        await lab.WaitAllRunningAsync("hv2's VM running on hv1 or hv3", node => node != "hv2");
        lab.Invariant.AssertHeld();
    }
}
