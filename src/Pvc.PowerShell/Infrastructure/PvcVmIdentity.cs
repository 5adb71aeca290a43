using System.Management.Automation;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;
using Pvc.Core.Vms;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// A VM as a cmdlet is given it: a name, a UUID (text or a Guid), or a VM object Get-PvcVm emitted, which also names
/// the cluster it came from. An object is used as it is (its UUID and name), with no lookup; a name or a UUID is looked
/// up in the cmdlet's cluster.
/// </summary>
public sealed class PvcVmIdentity
{
    /// <summary>A VM by name, or by UUID when the text is one.</summary>
    public PvcVmIdentity(string nameOrUuid)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrUuid);
        if (Guid.TryParse(nameOrUuid, out var uuid))
            Uuid = uuid;
        else
            Name = nameOrUuid;
    }

    /// <summary>A VM by UUID.</summary>
    public PvcVmIdentity(Guid uuid) => Uuid = uuid;

    private PvcVmIdentity(PvcVmIdentity other) => (Name, Uuid, Vm) = (other.Name, other.Uuid, other.Vm);

    /// <summary>A VM object (from Get-PvcVm or a cmdlet's -PassThru).</summary>
    public PvcVmIdentity(Vm vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        (Uuid, Name, Vm) = (vm.Uuid, vm.Name, vm);
    }

    /// <summary>The name, when given (or known from the object).</summary>
    public string? Name { get; }

    /// <summary>The UUID, when given (or known from the object).</summary>
    public Guid? Uuid { get; }

    /// <summary>The VM object it was made from, if any.</summary>
    public Vm? Vm { get; }

    /// <summary>The cluster the object came from (null for a name or UUID: the cmdlet's cluster).</summary>
    public ClusterConnection? Cluster { get; private init; }

    /// <summary>The VM's identity with no lookup, for an object; null when only a name or a UUID is known.</summary>
    internal VmRef? Known => Vm is { } vm ? new VmRef(vm.Uuid, vm.Name) : null;

    /// <summary>What a lookup is given: the UUID when known, else the name.</summary>
    internal string Lookup => Uuid?.ToString() ?? Name!;

    /// <summary>
    /// The identity of a value PowerShell binds: an identity, a name or UUID, a Guid, a VM object (with the cluster it
    /// carries); null for anything else.
    /// </summary>
    internal static PvcVmIdentity? From(object? value)
    {
        var cluster = ClusterOfObject.Of(value);
        return (value is PSObject wrapped ? wrapped.BaseObject : value) switch
        {
            PvcVmIdentity identity => identity,
            Vm vm => new PvcVmIdentity(vm) { Cluster = cluster },
            VmRef vm => new PvcVmIdentity(vm.Uuid),
            Guid uuid => new PvcVmIdentity(uuid),
            string text when !string.IsNullOrWhiteSpace(text) => new PvcVmIdentity(text),
            // another kind of object (a CSV row, a custom object) names a VM by its Uuid or Name property; a node does not
            Core.Nodes.Node => null,
            // with the cluster it names (a Select-Object of a VM keeps it, a CSV row names it): an explicit -Cluster
            // other than that is a ClusterMismatch, as for a VM object, not the same name in another cluster
            _ when value is PSObject other && ByProperty(other) is { } named => new PvcVmIdentity(named) { Cluster = cluster },
            _ => null,
        };
    }

    private static PvcVmIdentity? ByProperty(PSObject item) =>
        (item.Properties["Uuid"]?.Value is var u && u is PSObject w ? w.BaseObject : u) switch
        {
            Guid uuid => new PvcVmIdentity(uuid),
            string text when Guid.TryParse(text, out var uuid) => new PvcVmIdentity(uuid),
            _ => item.Properties["Name"]?.Value is string name && !string.IsNullOrWhiteSpace(name) ? new PvcVmIdentity(name) : null,
        };

    /// <inheritdoc />
    public override string ToString() => Name ?? Uuid.ToString()!;
}
