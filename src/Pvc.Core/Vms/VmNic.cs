namespace Pvc.Core.Vms;

/// <summary>A network interface of a VM, from its libvirt XML.</summary>
/// <param name="Type">bridge, direct (SR-IOV macvtap), hostdev (SR-IOV), ...</param>
/// <param name="Mac">The MAC address, lowercase.</param>
/// <param name="Source">The bridge (vmbr&lt;vni&gt;, brcluster, ...) or device.</param>
/// <param name="Model">The NIC model (virtio, e1000, ...).</param>
public sealed record VmNic(string Type, string? Mac, string? Source, string? Model)
{
    /// <summary>The VNI of a managed or bridged network (from a vmbr&lt;vni&gt; bridge), else null.</summary>
    public int? Vni => Source is not null && Source.StartsWith("vmbr", StringComparison.Ordinal) &&
        int.TryParse(Source.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture, out var vni) ? vni : null;
}
