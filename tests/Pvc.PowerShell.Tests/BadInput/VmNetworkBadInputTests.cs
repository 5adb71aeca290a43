using System.Management.Automation;

namespace Pvc.PowerShell.Tests.BadInput;

/// <summary>docs/bad-input.md's rows for Add-PvcVmNetwork and Remove-PvcVmNetwork: one ErrorRecord, nothing written.</summary>
[Collection(BadInputCollection.Name)]
public sealed class VmNetworkBadInputTests(BadInputCluster c)
{
    private const string Add = "Pvc.PowerShell.Cmdlets.AddPvcVmNetworkCommand";
    private const string Remove = "Pvc.PowerShell.Cmdlets.RemovePvcVmNetworkCommand";

    [Fact]
    public async Task Add_PvcVmNetwork_refuses_a_network_the_cluster_does_not_have() =>
        await c.RefusedAsync("Add-PvcVmNetwork web2 9999", $"NetworkNotFound,{Add}", ErrorCategory.ObjectNotFound);

    [Fact]
    public async Task Add_PvcVmNetwork_refuses_a_multicast_or_malformed_MAC_address()
    {
        await c.RefusedAsync("Add-PvcVmNetwork web2 upstream -MacAddress 01:00:5e:00:00:01", $"InvalidMacAddress,{Add}", ErrorCategory.InvalidArgument);
        await c.RefusedAsync("Add-PvcVmNetwork web2 upstream -MacAddress 52-54-00-00-00-01", $"InvalidMacAddress,{Add}", ErrorCategory.InvalidArgument);
    }

    [Fact]
    public async Task Add_PvcVmNetwork_refuses_a_model_it_does_not_offer() =>
        await c.RefusedAsync("Add-PvcVmNetwork web2 upstream -Model ne2k", $"ParameterArgumentValidationError,{Add}", ErrorCategory.InvalidData);

    [Fact]
    public async Task Remove_PvcVmNetwork_refuses_neither_a_network_nor_a_MAC_address() =>
        await c.RefusedAsync("Remove-PvcVmNetwork web2 -Confirm:$false", $"NoChange,{Remove}", ErrorCategory.InvalidArgument);

    [Fact]
    public async Task Remove_PvcVmNetwork_refuses_a_MAC_address_no_NIC_of_the_VM_has() =>
        await c.RefusedAsync("Remove-PvcVmNetwork web2 -MacAddress 52:54:00:00:00:99 -Confirm:$false", $"NicNotFound,{Remove}", ErrorCategory.ObjectNotFound);
}
