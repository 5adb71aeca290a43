using System.Management.Automation;
using Pvc.Core.Vms;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>A cmdlet that acts on VMs named by <c>-Name</c> (or the <c>Name</c>/<c>Uuid</c> of piped VM objects).</summary>
public abstract class VmCmdlet : ClusterCmdlet
{
    /// <summary>The VM's name or UUID.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VmNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>The VM's UUID, bound from piped VM objects; it names the VM more exactly than its name.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    public Guid? Uuid { get; set; }

    /// <summary>The operations on this cmdlet's cluster.</summary>
    protected VmOperations Vms => _vms ??= new VmOperations(Connection);

    private VmOperations? _vms;

    /// <summary>Resolves the VM of this input object; writes a non-terminating error and returns null when there is none.</summary>
    protected VmRef? ResolveVm() =>
        TryAwait(token => Vms.ResolveAsync(Uuid is Guid u && u != Guid.Empty ? u.ToString() : Name, token), Name);

    /// <summary>The VM as it is now, for output.</summary>
    protected Vm? ReadVm(VmRef vm) => TryAwait(token => Connection.Vms.GetAsync(vm.Uuid, token), vm.Name);
}
