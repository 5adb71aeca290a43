using Pvc.Core.Schema;

namespace Pvc.NodeService.Fencing;

/// <summary>
/// Who a BMC answers for: the system GUID it reports (IPMI's Get System GUID, <c>ipmitool mc guid</c>), which names the
/// machine whose chassis it controls. Each node records its own BMC's when it registers, under
/// <c>/nodes/&lt;node&gt;/ipmisystemguid</c>, and the fencer compares what the BMC it reaches answers with that before it
/// powers anything off: an <c>ipmihostname</c> that points to another node's BMC (a typo, a copied pvc.conf, a key
/// rewritten in ZooKeeper) would otherwise power off a healthy node and start the dead one's VMs beside its own.
/// </summary>
/// <remarks>
/// The key is Pvc's own beside PVC's <c>ipmi*</c> keys: PVC 1.0.3 validates only the keys of its schema and leaves other
/// children of a node alone (as with <c>/config/domain_xml_allow</c>). A node that has never recorded one (a PVC node, or
/// one whose BMC did not answer at any registration) is fenced on its address alone, as PVC fences, unless the BMC
/// reached answers as another node's.
/// </remarks>
internal static class BmcIdentity
{
    /// <summary>The key under a node.</summary>
    public const string Key = NodeKeys.IpmiSystemGuid;

    /// <summary>The key's path for <paramref name="node"/>.</summary>
    public static string Path(string node) => NodeKeys.Path(node, Key);

    /// <summary>The recorded text as a GUID, or null when empty or not one.</summary>
    public static Guid? Decode(string? text) => Guid.TryParse(text, out var guid) && guid != Guid.Empty ? guid : null;

    /// <summary>The text recorded for a GUID.</summary>
    public static string Encode(Guid guid) => guid.ToString("D");
}
