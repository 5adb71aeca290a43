using System.Management.Automation;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Gets the last lines of a VM's serial console log, as its node last stored them; with -Follow, goes on with each new line.</summary>
[Cmdlet(VerbsCommon.Get, "PvcVmLog")]
[OutputType(typeof(string))]
public sealed class GetPvcVmLogCommand : VmCmdlet
{
    /// <summary>How many lines, from the end. Default 100.</summary>
    [Parameter]
    [ValidateRange(0, 100_000)]
    public int Tail { get; set; } = 100;

    /// <summary>Go on writing each new line as the guest writes it (on a watch) until Ctrl+C.</summary>
    [Parameter]
    public SwitchParameter Follow { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ResolveVm() is not { } vm)
            return;
        if (Follow)
            TryAwait(token => LogStream.WriteAsync(this, Vms.FollowConsoleLogAsync(vm, Tail, token), token), vm.Name);
        else if (TryAwait(token => Vms.GetConsoleLogAsync(vm, Tail, token), vm.Name) is { } lines)
            WriteObject(lines, enumerateCollection: true);
    }
}
