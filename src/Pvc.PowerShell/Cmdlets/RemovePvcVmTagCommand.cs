using System.Management.Automation;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Removes tags from VMs (protected tags are refused).</summary>
[Cmdlet(VerbsCommon.Remove, "PvcVmTag", SupportsShouldProcess = true)]
[OutputType(typeof(Vm))]
public sealed class RemovePvcVmTagCommand : VmCmdlet
{
    /// <summary>The tags.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[] Tag { get; set; } = [];

    /// <summary>Return the VM.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ResolveVm() is not { } vm)
            return;
        foreach (var tag in Tag)
            if (ShouldProcess(vm.Name, $"Remove tag {tag}"))
                TryAwait(token => Vms.RemoveTagAsync(vm, tag, token), vm.Name);
        if (PassThru && ReadVm(vm) is { } now)
            WriteObject(now);
    }
}
