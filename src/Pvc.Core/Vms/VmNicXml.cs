using System.Xml.Linq;
using Pvc.Core.Errors;

namespace Pvc.Core.Vms;

/// <summary>
/// A VM's stored domain XML with a bridged NIC added or removed as PVC's <c>vm network add</c> and <c>vm network
/// remove</c> do it: a new <c>interface type='bridge'</c> with its MAC, bridge and model, after the last interface (at the
/// end of the devices when there is none); a NIC removed by its MAC, or by its bridge when that names one NIC only.
/// The layout of the rest is kept.
/// </summary>
internal static class VmNicXml
{
    /// <summary>The new XML with the NIC added.</summary>
    public static string Add(VmRef vm, string stored, string mac, string bridge, string model)
    {
        var doc = VmResourceXml.Load(vm, stored);
        var root = doc.Root!;
        var devices = root.Element("devices");
        if (devices is null)
            root.Add(devices = new XElement("devices"));
        var nic = XElement.Parse(VmLiveChange.NicXml(mac, bridge, model));
        if (devices.Elements("interface").LastOrDefault() is { } last)
            last.AddAfterSelf(nic);
        else
            devices.Add(nic);
        return doc.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>The MACs (lowercase) of the VM's interfaces.</summary>
    public static IReadOnlyList<string> Macs(VmRef vm, string stored) =>
        [.. VmResourceXml.Load(vm, stored).Root!.Element("devices")?.Elements("interface").Select(MacOf).OfType<string>() ?? []];

    /// <summary>
    /// The new XML without the NIC that has <paramref name="mac"/>, or else the only one on <paramref name="bridge"/>;
    /// and the removed NIC's MAC and bridge (null when it had none: such a NIC is not detached live).
    /// </summary>
    /// <exception cref="PvcException">NotFound "NicNotFound"; InvalidOperation "NicAmbiguous".</exception>
    public static (string Xml, string? Mac, string? Bridge) Remove(VmRef vm, string stored, string? bridge, string? mac)
    {
        var doc = VmResourceXml.Load(vm, stored);
        var nics = doc.Root!.Element("devices")?.Elements("interface").ToList() ?? [];
        var matches = nics.Where(n => (mac is null || MacOf(n) == mac) && (bridge is null || (string?)n.Element("source")?.Attribute("bridge") == bridge)).ToList();
        var what = mac is not null ? $"with the MAC address {mac}" + (bridge is not null ? $" on {bridge}" : "") : $"on {bridge}";
        if (matches.Count == 0)
            throw new PvcException(PvcErrorKind.NotFound, PvcErrorIds.NicNotFound, $"The VM '{vm.Name}' has no network interface {what}.") { Target = vm.Name };
        if (matches.Count > 1)
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.NicAmbiguous,
                $"The VM '{vm.Name}' has {matches.Count} network interfaces {what} ({string.Join(", ", matches.Select(MacOf))}): its MAC address says which.") { Target = vm.Name };
        var nic = matches[0];
        // the whitespace before it goes with it, so the layout stays as it was
        if (nic.PreviousNode is XText { Value: var text } space && string.IsNullOrWhiteSpace(text))
            space.Remove();
        nic.Remove();
        return (doc.ToString(SaveOptions.DisableFormatting), MacOf(nic), (string?)nic.Element("source")?.Attribute("bridge"));
    }

    private static string? MacOf(XElement nic) => nic.Element("mac")?.Attribute("address")?.Value.ToLowerInvariant();
}
