using System.Management.Automation;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Adds tags to VMs.</summary>
[Cmdlet(VerbsCommon.Add, "PvcVmTag", SupportsShouldProcess = true)]
[OutputType(typeof(Vm))]
public sealed class AddPvcVmTagCommand : VmCmdlet
{
    /// <summary>The tags.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[] Tag { get; set; } = [];

    /// <summary>Make the tags protected (they cannot be removed).</summary>
    [Parameter]
    public SwitchParameter Protected { get; set; }

    /// <summary>Return the VM.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ResolveVm() is not { } vm)
            return;
        foreach (var tag in Tag)
            if (ShouldProcess(vm.Name, $"Add tag {tag}"))
                TryAwait(token => Vms.AddTagAsync(vm, tag, Protected, token), vm.Name);
        if (PassThru && ReadVm(vm) is { } now)
            WriteObject(now);
    }
}
