using System.Management.Automation;
using Pvc.Core.Networks;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.PowerShell.Tests;

/// <summary>
/// Get-PvcSriovPf and Get-PvcSriovVf over SR-IOV keys as PVC's node daemon writes them at start-up
/// (this machine has no SR-IOV device, so the keys are seeded in PVC's format, values as PVC's strings).
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class SriovCmdletTests(ZooKeeperFixture zk)
{
    private static async Task SeedAsync(SeededCluster c)
    {
        var batch = PvcSeed.Batch(c.Raw)
            .Add("/nodes/hv1/sriov/pf/ens1f0").Add("/nodes/hv1/sriov/pf/ens1f0/mtu", "9000").Add("/nodes/hv1/sriov/pf/ens1f0/vfcount", "2")
            .Add("/nodes/hv2/sriov/pf/ens2f0").Add("/nodes/hv2/sriov/pf/ens2f0/mtu", "1500").Add("/nodes/hv2/sriov/pf/ens2f0/vfcount", "1");
        foreach (var (node, vf, pf, fn, usedBy, pciDomain) in new[]
        {
            ("hv1", "ens1f0v0", "ens1f0", "0", c.Vms["web1"].ToString(), "0000"),
            ("hv1", "ens1f0v1", "ens1f0", "1", "", "0000"),
            ("hv2", "ens2f0v0", "ens2f0", "0", "", "00;rm -rf /"), // an odd value is not read as a PCI address
        })
        {
            var v = $"/nodes/{node}/sriov/vf/{vf}";
            batch.Add(v).Add($"{v}/pf", pf).Add($"{v}/mtu", "9000").Add($"{v}/mac", usedBy == "" ? $"9a:00:00:00:00:0{fn}" : "52:54:00:12:34:56")
                .Add($"{v}/phy_mac", $"9a:00:00:00:00:0{fn}")
                .Add($"{v}/config").Add($"{v}/config/vlan_id", usedBy == "" ? "0" : "120").Add($"{v}/config/vlan_qos", "0")
                .Add($"{v}/config/tx_rate_min", "0").Add($"{v}/config/tx_rate_max", usedBy == "" ? "0" : "1000")
                .Add($"{v}/config/spoof_check", "True").Add($"{v}/config/link_state", usedBy == "" ? "auto" : "enable")
                .Add($"{v}/config/trust", usedBy == "" ? "False" : "True").Add($"{v}/config/query_rss", "False")
                .Add($"{v}/pci").Add($"{v}/pci/domain", pciDomain).Add($"{v}/pci/bus", "01").Add($"{v}/pci/slot", "10").Add($"{v}/pci/function", fn)
                .Add($"{v}/used", usedBy == "" ? "False" : "True").Add($"{v}/used_by", usedBy);
        }
        await batch.CommitAsync();
    }

    [Fact]
    public async Task PFs_and_VFs_read_as_PVC_writes_them_per_node_and_for_every_node()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        await SeedAsync(c);

        var pf = Assert.Single(c.Ps.Run("Get-PvcSriovPf hv1").ThrowIfErrors().OutputOf<SriovPf>());
        Assert.Equal(("hv1", "ens1f0", 9000, 2), (pf.Node, pf.Name, pf.Mtu, pf.VfCount));
        Assert.Equal(["ens1f0v0", "ens1f0v1"], pf.Vfs);
        Assert.Equal(["hv1/ens1f0", "hv2/ens2f0"], c.Ps.Run("Get-PvcSriovPf").ThrowIfErrors().OutputOf<SriovPf>().Select(p => $"{p.Node}/{p.Name}"));
        Assert.Empty(c.Ps.Run("Get-PvcSriovPf hv3").ThrowIfErrors().Output); // a node without SR-IOV devices has none

        Assert.Equal(["ens1f0v0", "ens1f0v1", "ens2f0v0"], c.Ps.Run("Get-PvcSriovVf").ThrowIfErrors().OutputOf<SriovVf>().Select(v => v.Name));
        Assert.Equal(["ens1f0v0", "ens1f0v1"], c.Ps.Run("Get-PvcSriovVf hv1 -Pf ens1f0").ThrowIfErrors().OutputOf<SriovVf>().Select(v => v.Name));
        Assert.Equal(["ens1f0v1"], c.Ps.Run("Get-PvcSriovVf hv1 *v1").ThrowIfErrors().OutputOf<SriovVf>().Select(v => v.Name));

        var used = Assert.Single(c.Ps.Run("Get-PvcSriovVf hv1 ens1f0v0").ThrowIfErrors().OutputOf<SriovVf>());
        Assert.Equal(("ens1f0", 9000, "52:54:00:12:34:56", "9a:00:00:00:00:00"), (used.Pf, used.Mtu, used.MacAddress, used.PhysicalMacAddress));
        Assert.Equal((120, 0, 0, 1000), (used.VlanId, used.VlanQos, used.TxRateMin, used.TxRateMax));
        Assert.Equal((true, SriovLinkState.Enable, true, false), (used.SpoofCheck, used.LinkState, used.Trust, used.QueryRss));
        Assert.Equal(("0000:01:10.0", true, (Guid?)c.Vms["web1"]), (used.PciAddress, used.Used, used.UsedBy));
        var free = Assert.Single(c.Ps.Run("Get-PvcSriovVf hv1 ens1f0v1").ThrowIfErrors().OutputOf<SriovVf>());
        Assert.Equal((false, (Guid?)null, SriovLinkState.Auto, false), (free.Used, free.UsedBy, free.LinkState, free.Trust));
        Assert.Null(Assert.Single(c.Ps.Run("Get-PvcSriovVf hv2").ThrowIfErrors().OutputOf<SriovVf>()).PciAddress);

        var text = c.Ps.Render("Get-PvcSriovVf hv1").ThrowIfErrors().HostText.Split('\n');
        var header = text.First(l => l.Contains("MacAddress", StringComparison.Ordinal));
        foreach (var column in new[] { "Node", "Name", "Pf", "Mtu", "VlanId", "LinkState", "Used" })
            Assert.Contains(column, header, StringComparison.Ordinal);
        Assert.Contains(text, l => l.Contains("ens1f0v0", StringComparison.Ordinal) && l.Contains("52:54:00:12:34:56", StringComparison.Ordinal) && l.Contains("enable", StringComparison.Ordinal) && l.Contains("120", StringComparison.Ordinal));
        Assert.Contains(c.Ps.Render("Get-PvcSriovPf").ThrowIfErrors().HostText.Split('\n'), l => l.Contains("ens1f0", StringComparison.Ordinal) && l.Contains("ens1f0v0, ens1f0v1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Get-PvcSriovPf nohost", "NodeNotFound", ErrorCategory.ObjectNotFound)]
    [InlineData("Get-PvcSriovVf nohost", "NodeNotFound", ErrorCategory.ObjectNotFound)]
    [InlineData("Get-PvcSriovPf '../hv1'", "InvalidNodeName", ErrorCategory.InvalidArgument)]
    [InlineData("Get-PvcSriovVf hv1 ens9f0v0", "SriovVfNotFound", ErrorCategory.ObjectNotFound)]
    [InlineData("Get-PvcSriovPf hv1 ens9f0", "SriovPfNotFound", ErrorCategory.ObjectNotFound)]
    [InlineData("Get-PvcSriovVf hv1 -Pf ens9f0", "SriovPfNotFound", ErrorCategory.ObjectNotFound)]
    public async Task A_missing_node_PF_or_VF_is_an_error_record(string command, string errorId, ErrorCategory category)
    {
        await using var c = await SeededCluster.StartAsync(zk);
        await SeedAsync(c);
        var error = Assert.Single(c.Ps.Run(command).Errors);
        Assert.Equal(errorId, error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(category, error.CategoryInfo.Category);
    }
}
