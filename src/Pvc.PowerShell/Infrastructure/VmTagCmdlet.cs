using System.Management.Automation;
using Pvc.Core.Vms;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>Adds or removes VM tags: <c>-Tag</c>, <c>-PassThru</c>, one change (and one ShouldProcess) a tag.</summary>
public abstract class VmTagCmdlet : VmCmdlet
{
    /// <summary>The tags.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[] Tag { get; set; } = [];

    /// <summary>Return the VM.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>What ShouldProcess shows, e.g. "Add tag".</summary>
    protected abstract string Action { get; }

    /// <summary>The Core change for one tag.</summary>
    protected abstract Task ChangeAsync(VmRef vm, string tag, CancellationToken cancellationToken);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ResolveVm() is not { } vm)
            return;
        foreach (var tag in Tag)
            if (ShouldProcess(vm.Name, $"{Action} {tag}"))
            {
                var before = Connection.RoundTrips;
                if (TryAwait(token => ChangeAsync(vm, tag, token), vm.Name))
                    Narrate($"{Action} {tag} on {vm.Name}", before);
            }
        if (PassThru && ReadVm(vm) is { } now)
            WriteResult(now);
    }
}
