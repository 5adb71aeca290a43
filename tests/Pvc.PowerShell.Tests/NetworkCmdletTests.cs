using System.Management.Automation;
using System.Net;
using Pvc.Core.Networks;
using Pvc.Core.Schema;
using Pvc.Testing.ZooKeeper;

namespace Pvc.PowerShell.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class NetworkCmdletTests(ZooKeeperFixture zk)
{
    private const string AddClients =
        "New-PvcNetwork 100 clients -Ip4Network 10.100.0.0/24 -Ip4Gateway 10.100.0.1 -Dhcp -DhcpStart 10.100.0.100 -DhcpEnd 10.100.0.199 -NameServer 10.100.0.1";


    [Fact]
    public async Task New_Get_and_the_table_view_of_networks()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        var added = Assert.Single(c.Ps.Run(AddClients).ThrowIfErrors().OutputOf<Network>());
        Assert.Equal((100, "clients", "clients.local", IPAddress.Parse("10.100.0.199")), (added.Vni, added.Description, added.Domain, added.Ip4DhcpEnd));
        c.Ps.Run("New-PvcNetwork 200 storage-vlan -Type Bridged -Mtu 9000").ThrowIfErrors();
        Assert.Equal("managed", await c.ReadAsync("/networks/100/nettype"));
        Assert.Equal("10.100.0.100", await c.ReadAsync("/networks/100/dhcp4_start"));

        Assert.Equal([100, 200], c.Ps.Run("Get-PvcNetwork").ThrowIfErrors().OutputOf<Network>().Select(n => n.Vni));
        Assert.Equal([200], c.Ps.Run("Get-PvcNetwork storage*").ThrowIfErrors().OutputOf<Network>().Select(n => n.Vni));
        Assert.Equal([100], c.Ps.Run("Get-PvcNetwork 100").ThrowIfErrors().OutputOf<Network>().Select(n => n.Vni));
        Assert.Equal("NetworkNotFound,Pvc.PowerShell.Cmdlets.GetPvcNetworkCommand", Assert.Single(c.Ps.Run("Get-PvcNetwork nope").Errors).FullyQualifiedErrorId);

        var text = c.Ps.Render("Get-PvcNetwork").ThrowIfErrors().HostText;
        var header = text.Split('\n').First(l => l.Contains("Description", StringComparison.Ordinal));
        foreach (var column in new[] { "Vni", "Description", "Type", "Mtu", "Domain", "Ip4Network", "Gateway", "Dhcp" })
            Assert.Contains(column, header, StringComparison.Ordinal);
        Assert.Contains(text.Split('\n'), l => l.Contains("clients", StringComparison.Ordinal) && l.Contains("10.100.0.100-10.100.0.199", StringComparison.Ordinal) && l.Contains("default", StringComparison.Ordinal));
        Assert.Contains(text.Split('\n'), l => l.Contains("storage-vlan", StringComparison.Ordinal) && l.Contains("bridged", StringComparison.Ordinal) && l.Contains("9000", StringComparison.Ordinal));

        Assert.Equal(["100", "clients"], c.Ps.Run("(TabExpansion2 -inputScript 'Get-PvcDhcpLease ' -cursorColumn 17).CompletionMatches | ForEach-Object CompletionText | Where-Object { $_ -in '100','clients' }").ThrowIfErrors().OutputOf<string>());
        Assert.Equal(["clients"], c.Ps.Run("(TabExpansion2 -inputScript 'Set-PvcNetwork cl' -cursorColumn 17).CompletionMatches | ForEach-Object CompletionText").ThrowIfErrors().OutputOf<string>());
    }

    [Theory]
    [InlineData("New-PvcNetwork 0 zero", "InvalidVni")]
    [InlineData("New-PvcNetwork 5000 v -Type Bridged", "InvalidVni")]
    [InlineData("New-PvcNetwork 101 123", "InvalidNetworkDescription")]
    [InlineData("New-PvcNetwork 101 n -Mtu 100", "InvalidMtu")]
    [InlineData("New-PvcNetwork 101 n -Ip4Network 10.1.0.0/24 -Ip4Gateway 10.2.0.1", "GatewayOutsideNetwork")]
    [InlineData("New-PvcNetwork 101 n -Ip4Network 10.1.0.0/24 -Ip4Gateway 10.1.0.1 -Dhcp", "InvalidDhcpRange")]
    [InlineData("New-PvcNetwork 101 n -Ip4Network 10.1.0.0/24 -Ip4Gateway 10.1.0.1 -Dhcp -DhcpStart 10.1.0.1 -DhcpEnd 10.1.0.9", "DhcpRangeIncludesGateway")]
    [InlineData("New-PvcNetwork 101 n -Ip4Network 10.1.0.0/24 -Ip4Gateway 10.1.0.1 -Dhcp -DhcpStart 10.1.0.50 -DhcpEnd 10.2.0.9", "InvalidDhcpRange")]
    [InlineData("New-PvcNetwork 101 clients", "NetworkDescriptionInUse")]
    [InlineData("New-PvcNetwork 100 other", "NetworkAlreadyExists")]
    [InlineData("Set-PvcNetwork clients -Ip4Gateway 10.100.0.150", "DhcpRangeIncludesGateway")]
    [InlineData("Set-PvcNetwork clients", "NoChange")]
    [InlineData("Remove-PvcNetwork clients -Confirm:$false", "NetworkInUse")]
    [InlineData("Add-PvcDhcpReservation clients 10.200.0.5 db1 52:54:00:00:00:01", "InvalidReservationAddress")]
    [InlineData("Add-PvcDhcpReservation clients 10.100.0.5 db1 52-54-00-00-00-01", "InvalidMacAddress")]
    [InlineData("Remove-PvcDhcpReservation clients 52:54:00:00:00:09 -Confirm:$false", "DhcpReservationNotFound")]
    [InlineData("Add-PvcNetworkAcl clients x 'accept; flush ruleset'", "InvalidAclRule")]
    [InlineData("Add-PvcNetworkAcl clients x 'ip saddr { 10.0.0.1 } drop'", "InvalidAclRule")]
    [InlineData("Remove-PvcNetworkAcl clients nope -Confirm:$false", "AclNotFound")]
    [InlineData("Get-PvcDhcpLease nope", "NetworkNotFound")]
    public async Task Each_refusal_is_an_ErrorRecord_with_its_ErrorId_and_nothing_is_written(string command, string errorId)
    {
        await using var c = await SeededCluster.StartAsync(zk); // its VMs' NICs are on vmbr100
        c.Ps.Run(AddClients).ThrowIfErrors();
        var before = await c.Raw.GetChildrenAsync("/networks");
        var result = c.Ps.Run(command);
        var error = Assert.Single(result.Errors);
        Assert.Equal(errorId, error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.NotEqual(ErrorCategory.NotSpecified, error.CategoryInfo.Category);
        Assert.Equal(before.Children.Order(), (await c.Raw.GetChildrenAsync("/networks")).Children.Order());
        Assert.Equal("10.100.0.1", await c.ReadAsync("/networks/100/ip4_gateway"));
        Assert.Empty((await c.Raw.GetChildrenAsync("/networks/100/dhcp4_reservations")).Children);
        Assert.Empty((await c.Raw.GetChildrenAsync("/networks/100/firewall_rules/in")).Children);
    }

    [Fact]
    public async Task WhatIf_writes_nothing_and_Force_removes_a_network_VMs_are_on()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        c.Ps.Run(AddClients).ThrowIfErrors();
        var whatIf = c.Ps.Run("New-PvcNetwork 300 spare -WhatIf; Set-PvcNetwork clients -Mtu 1400 -WhatIf; Remove-PvcNetwork clients -Force -WhatIf").ThrowIfErrors();
        Assert.Contains("Add managed network", whatIf.HostText, StringComparison.Ordinal);
        Assert.Equal(["100"], (await c.Raw.GetChildrenAsync("/networks")).Children);
        Assert.Equal("", await c.ReadAsync("/networks/100/mtu"));

        var changed = Assert.Single(c.Ps.Run("Get-PvcNetwork clients | Set-PvcNetwork -Dhcp:$false -Mtu 1400 -PassThru").ThrowIfErrors().OutputOf<Network>());
        Assert.Equal((false, 1400), (changed.Ip4Dhcp, changed.Mtu));
        Assert.Equal(("False", "1400"), (await c.ReadAsync("/networks/100/dhcp4_flag"), await c.ReadAsync("/networks/100/mtu")));

        c.Ps.Run("Get-PvcNetwork clients | Remove-PvcNetwork -Force -Confirm:$false").ThrowIfErrors();
        Assert.Empty((await c.Raw.GetChildrenAsync("/networks")).Children);
    }

    [Fact]
    public async Task Reservations_and_acls_through_the_pipeline()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        c.Ps.Run(AddClients).ThrowIfErrors();
        var reservation = Assert.Single(c.Ps.Run("Add-PvcDhcpReservation clients 10.100.0.10 db1 52:54:00:AA:00:01 -PassThru").ThrowIfErrors().OutputOf<DhcpReservation>());
        Assert.Equal("52:54:00:aa:00:01", reservation.MacAddress);
        c.Ps.Run("Add-PvcDhcpReservation 100 10.100.0.11 db2 52:54:00:aa:00:02").ThrowIfErrors();
        Assert.Equal(["52:54:00:aa:00:01", "52:54:00:aa:00:02"], c.Ps.Run("Get-PvcNetwork 100 | Get-PvcDhcpLease -Static").ThrowIfErrors().OutputOf<DhcpReservation>().Select(r => r.MacAddress));
        Assert.Equal(["52:54:00:aa:00:02"], c.Ps.Run("Get-PvcDhcpLease clients *:02").ThrowIfErrors().OutputOf<DhcpReservation>().Select(r => r.MacAddress));
        c.Ps.Run("Get-PvcDhcpLease clients *:01 -Static | Remove-PvcDhcpReservation -Confirm:$false").ThrowIfErrors();
        Assert.Equal(["52:54:00:aa:00:02"], (await c.Raw.GetChildrenAsync("/networks/100/dhcp4_reservations")).Children);

        c.Ps.Run("Add-PvcNetworkAcl clients ssh 'tcp dport 22 accept'; Add-PvcNetworkAcl clients web 'tcp dport 80 accept' -Order 0; Add-PvcNetworkAcl clients smtp 'tcp dport 25 drop' -Direction Out").ThrowIfErrors();
        var rules = c.Ps.Run("Get-PvcNetworkAcl clients").ThrowIfErrors().OutputOf<FirewallRule>();
        Assert.Equal([("web", FirewallDirection.In, 0), ("ssh", FirewallDirection.In, 1), ("smtp", FirewallDirection.Out, 0)], rules.Select(r => (r.Description, r.Direction, r.Order ?? -1)));
        Assert.Equal(["smtp"], c.Ps.Run("Get-PvcNetworkAcl clients -Direction Out").ThrowIfErrors().OutputOf<FirewallRule>().Select(r => r.Description));
        c.Ps.Run("Get-PvcNetworkAcl clients web | Remove-PvcNetworkAcl -Confirm:$false").ThrowIfErrors();
        Assert.Equal("0", await c.ReadAsync("/networks/100/firewall_rules/in/ssh/order"));
    }
}
