using System.Management.Automation;
using Pvc.Core.Vms;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>A cmdlet that acts on VMs given by <c>-Name</c>: a name, a UUID, or a VM object (piped, or given).</summary>
public abstract class VmCmdlet : ClusterCmdlet
{
    /// <summary>The VM: its name or UUID, or a VM object (which acts in the cluster it came from).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [VmIdentityTransformation]
    [ArgumentCompleter(typeof(VmNameCompleter))]
    public PvcVmIdentity Name { get; set; } = null!;

    /// <summary>The operations on this input object's cluster.</summary>
    protected VmOperations Vms => new(Connection);

    /// <summary>
    /// The VM of this input object, in its cluster (see <see cref="ClusterCmdlet.UseClusterOf"/>): a VM object as it is,
    /// with no lookup (a change checks its name at its UUID in the same transaction); a name or UUID looked up. Writes a
    /// non-terminating error and returns null when there is none.
    /// </summary>
    protected VmRef? ResolveVm()
    {
        if (!UseClusterOf(Name.Cluster, Name))
            return null;
        if (Name.Known is { } known)
            return known;
        var before = Connection.RoundTrips;
        var vm = TryAwait(token => Vms.ResolveAsync(Name.Lookup, token), Name.ToString());
        if (vm is not null)
            Narrate($"Found VM {vm.Name} ({vm.Uuid})", before);
        return vm;
    }

    /// <summary>The VM as it is now, for output.</summary>
    protected Vm? ReadVm(VmRef vm) => TryAwait(token => Connection.Vms.GetAsync(vm.Uuid, token), vm.Name);
}
