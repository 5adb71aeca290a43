using System.Management.Automation;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets the last lines of a VM's serial console log, as its node last stored them.</summary>
[Cmdlet(VerbsCommon.Get, "PvcVmLog")]
[OutputType(typeof(string))]
public sealed class GetPvcVmLogCommand : VmCmdlet
{
    /// <summary>How many lines, from the end. Default 100.</summary>
    [Parameter]
    [ValidateRange(1, 100_000)]
    public int Tail { get; set; } = 100;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ResolveVm() is not { } vm)
            return;
        if (TryAwait(token => Vms.GetConsoleLogAsync(vm, Tail, token), vm.Name) is { } lines)
            WriteObject(lines, enumerateCollection: true);
    }
}
