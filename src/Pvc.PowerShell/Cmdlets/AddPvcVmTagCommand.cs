using System.Management.Automation;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Adds tags to VMs.</summary>
[Cmdlet(VerbsCommon.Add, "PvcVmTag", SupportsShouldProcess = true)]
[OutputType(typeof(Vm))]
public sealed class AddPvcVmTagCommand : VmTagCmdlet
{
    /// <summary>Make the tags protected (they cannot be removed).</summary>
    [Parameter]
    public SwitchParameter Protected { get; set; }

    /// <inheritdoc />
    protected override string Action => "Add tag";

    /// <inheritdoc />
    protected override Task ChangeAsync(VmRef vm, string tag, CancellationToken cancellationToken) =>
        Vms.AddTagAsync(vm, tag, Protected, cancellationToken);
}
