using System.Management.Automation;

namespace Pvc.PowerShell.Tests.BadInput;

/// <summary>docs/bad-input.md's rows for Set-PvcVm -VCpu/-Topology/-Memory and Export-PvcVmXml: one ErrorRecord, nothing written.</summary>
[Collection(BadInputCollection.Name)]
public sealed class VmResourceBadInputTests(BadInputCluster c)
{
    private const string Set = "Pvc.PowerShell.Cmdlets.SetPvcVmCommand";

    [Fact]
    public async Task Set_PvcVm_refuses_a_topology_that_does_not_hold_the_vCPUs() =>
        await c.RefusedAsync("Set-PvcVm web2 -VCpu 4 -Topology 1,2,1", $"InvalidTopology,{Set}", ErrorCategory.InvalidArgument);

    [Fact]
    public async Task Set_PvcVm_refuses_more_vCPUs_than_the_VMs_node_allows() =>
        await c.RefusedAsync("Set-PvcVm web2 -VCpu 14 -Restart", $"TooManyVcpus,{Set}", ErrorCategory.ResourceUnavailable);

    [Fact]
    public async Task Set_PvcVm_refuses_less_than_one_MiB_of_memory() =>
        await c.RefusedAsync("Set-PvcVm web2 -Memory 1000", $"InvalidMemory,{Set}", ErrorCategory.InvalidArgument);

    [Fact]
    public async Task Set_PvcVm_refuses_a_topology_of_two_numbers() =>
        await c.RefusedAsync("Set-PvcVm web2 -Topology 1,2", $"ParameterArgumentValidationError,{Set}", ErrorCategory.InvalidData);

    [Fact]
    public async Task Set_PvcVm_refuses_vCPUs_and_metadata_in_one_command() =>
        await c.RefusedAsync("Set-PvcVm web2 -VCpu 2 -NodeLimit hv1", $"MixedChange,{Set}", ErrorCategory.InvalidArgument);

    [Fact]
    public async Task Add_PvcVmVolume_refuses_a_volume_of_a_pool_that_does_not_exist() =>
        await c.RefusedAsync("Add-PvcVmVolume web2 nopool/web2_sdb", "PoolNotFound,Pvc.PowerShell.Cmdlets.AddPvcVmVolumeCommand", ErrorCategory.ObjectNotFound);

    [Fact]
    public async Task Add_PvcVmVolume_refuses_a_bus_PVC_does_not_offer() =>
        await c.RefusedAsync("Add-PvcVmVolume web2 vms/web2_sdb -Bus floppy", "ParameterArgumentValidationError,Pvc.PowerShell.Cmdlets.AddPvcVmVolumeCommand", ErrorCategory.InvalidData);

    [Fact]
    public async Task Remove_PvcVmVolume_refuses_a_volume_that_is_no_disk_of_the_VM() =>
        await c.RefusedAsync("Remove-PvcVmVolume web2 vms/web1_sda -Confirm:$false", "VolumeNotAttached,Pvc.PowerShell.Cmdlets.RemovePvcVmVolumeCommand", ErrorCategory.ObjectNotFound);
}
