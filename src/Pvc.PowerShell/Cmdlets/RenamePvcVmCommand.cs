using System.Management.Automation;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Renames a stopped VM.</summary>
[Cmdlet(VerbsCommon.Rename, "PvcVm", SupportsShouldProcess = true)]
[OutputType(typeof(Vm))]
public sealed class RenamePvcVmCommand : VmCmdlet
{
    /// <summary>The new name.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string NewName { get; set; } = "";

    /// <summary>Return the renamed VM.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ResolveVm() is not { } vm || !ShouldProcess(vm.Name, $"Rename VM to {NewName}"))
            return;
        var before = Connection.RoundTrips;
        if (TryAwait(token => Vms.RenameAsync(vm, NewName, token), vm.Name) is not { } renamed)
            return;
        Narrate($"Renamed VM {vm.Name} to {renamed.Name}", before);
        if (PassThru && ReadVm(renamed) is { } now)
            WriteResult(now);
    }
}
