using System.Management.Automation;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Removes tags from VMs (protected tags are refused).</summary>
[Cmdlet(VerbsCommon.Remove, "PvcVmTag", SupportsShouldProcess = true)]
[OutputType(typeof(Vm))]
public sealed class RemovePvcVmTagCommand : VmTagCmdlet
{
    /// <inheritdoc />
    protected override string Action => "Remove tag";

    /// <inheritdoc />
    protected override Task ChangeAsync(VmRef vm, string tag, CancellationToken cancellationToken) =>
        Vms.RemoveTagAsync(vm, tag, cancellationToken);
}
