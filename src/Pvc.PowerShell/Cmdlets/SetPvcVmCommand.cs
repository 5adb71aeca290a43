using System.Management.Automation;
using Pvc.Core.Placement;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Changes a VM's PVC metadata (<c>pvc vm meta</c>) and/or its libvirt XML (<c>pvc vm modify</c>).</summary>
[Cmdlet(VerbsCommon.Set, "PvcVm", SupportsShouldProcess = true)]
[OutputType(typeof(Vm))]
public sealed partial class SetPvcVmCommand : VmCmdlet
{
    /// <summary>The nodes it may run on (an empty list: any node).</summary>
    [Parameter]
    [AllowEmptyCollection]
    public string[]? NodeLimit { get; set; }

    /// <summary>How its target node is chosen.</summary>
    [Parameter]
    public NodeSelector? NodeSelector { get; set; }

    /// <summary>PVC's node autostart flag.</summary>
    [Parameter]
    public bool? Autostart { get; set; }

    /// <summary>How it migrates.</summary>
    [Parameter]
    public MigrationMethod? MigrationMethod { get; set; }

    /// <summary>Maximum live-migration downtime, milliseconds.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? MaxDowntime { get; set; }

    /// <summary>
    /// What a flush of its node (Suspend-PvcNode) does with it: Live (migrate, the default), Restart (shut down, start on
    /// the target) or Stop (shut down, started again when the node is readied). Stored beside PVC's schema.
    /// </summary>
    [Parameter]
    public DrainStrategy? DrainStrategy { get; set; }

    /// <summary>The provisioner profile.</summary>
    [Parameter]
    public string? Profile { get; set; }

    /// <summary>New libvirt XML (same UUID).</summary>
    [Parameter]
    public string? Xml { get; set; }

    /// <summary>With -Xml: restart the VM if it runs, so the new definition takes effect.</summary>
    [Parameter]
    public SwitchParameter Restart { get; set; }

    /// <summary>Return the VM after the change.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (VCpu is not null || Topology is not null || Memory is not null)
        {
            SetResources();
            return;
        }
        var change = new VmMetadataChange
        {
            NodeLimit = NodeLimit, NodeSelector = NodeSelector, Autostart = Autostart, MigrationMethod = MigrationMethod,
            MigrationMaxDowntime = MaxDowntime, Profile = Profile, DrainStrategy = DrainStrategy,
        };
        if (change.IsEmpty && Xml is null)
        {
            WriteError(PvcErrorRecords.Of(new ArgumentException("Nothing to change: give metadata parameters or -Xml."), "NoChange", ErrorCategory.InvalidArgument, Name.ToString()));
            return;
        }
        if (ResolveVm() is not { } vm || !ShouldProcess(vm.Name, "Change VM"))
            return;
        // one Core change, one transaction: the metadata is not written when the XML is refused
        if (!TryAwait(token => Vms.ModifyAsync(vm, change, Xml, Restart, token), vm.Name))
            return;
        if (PassThru && ReadVm(vm) is { } now)
            WriteResult(now);
    }
}
