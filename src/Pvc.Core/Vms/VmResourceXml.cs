using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Pvc.Core.Errors;

namespace Pvc.Core.Vms;

/// <summary>
/// A VM's stored domain XML with its vCPUs, topology and memory changed as PVC's <c>vm vcpu set</c> and <c>vm memory set</c>
/// change them (the <c>vcpu</c> element, <c>cpu/topology</c>'s three attributes, the <c>memory</c> element), its layout
/// kept. Unlike PVC, a missing <c>cpu</c> or <c>topology</c> element is added rather than failing, <c>memory</c> gets an
/// explicit MiB unit (PVC writes the number alone, which libvirt reads as KiB when the unit was KiB), a
/// <c>currentMemory</c> follows <c>memory</c>, and a <c>current</c> vCPU count is dropped (the VM starts with them all).
/// </summary>
internal static class VmResourceXml
{
    private static readonly XmlReaderSettings Settings = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };

    /// <summary>The new XML text; the change is checked first (a topology must hold exactly the vCPUs).</summary>
    /// <exception cref="PvcException">InvalidArgument "NoChange", "InvalidVcpus", "InvalidMemory", "InvalidTopology"; InvalidData "VmXmlInvalid" for stored XML that cannot be read.</exception>
    public static string Apply(VmRef vm, string stored, VmResourceChange change)
    {
        if (change.IsEmpty)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.NoChange, $"No vCPUs, topology or memory were given for the VM '{vm.Name}'.") { Target = vm.Name };
        if (change.Vcpus is < 1)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidVcpus, $"A VM needs at least one vCPU, not {change.Vcpus}.") { Target = vm.Name };
        if (change.MemoryMiB is < 1)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidMemory, $"A VM needs at least 1 MiB of memory, not {change.MemoryMiB} MiB.") { Target = vm.Name };
        int? vcpus = change.Vcpus;
        if (vcpus is null && change.Topology is { } given)
            vcpus = (int)Math.Min(given.Count, int.MaxValue);
        var topology = change.Topology ?? (vcpus is { } n ? VcpuTopology.Default(n) : null);
        if (topology is not null && topology.Count != vcpus)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTopology,
                $"The topology {topology} (sockets,cores,threads) holds {topology.Count} vCPUs, not {vcpus}; libvirt needs sockets × cores × threads to be the vCPU count.") { Target = vm.Name };

        var doc = Load(vm, stored);
        var root = doc.Root!;
        if (vcpus is { } count)
        {
            var vcpu = root.Element("vcpu")!;
            vcpu.Value = count.ToString(CultureInfo.InvariantCulture);
            vcpu.Attribute("current")?.Remove();
            var cpu = root.Element("cpu");
            if (cpu is null)
                vcpu.AddAfterSelf(cpu = new XElement("cpu"));
            var topologyElement = cpu.Element("topology");
            if (topologyElement is null)
                cpu.AddFirst(topologyElement = new XElement("topology"));
            topologyElement.SetAttributeValue("sockets", topology!.Sockets.ToString(CultureInfo.InvariantCulture));
            topologyElement.SetAttributeValue("cores", topology.Cores.ToString(CultureInfo.InvariantCulture));
            topologyElement.SetAttributeValue("threads", topology.Threads.ToString(CultureInfo.InvariantCulture));
        }
        if (change.MemoryMiB is { } mib)
        {
            foreach (var element in new[] { root.Element("memory"), root.Element("currentMemory") })
            {
                if (element is null)
                    continue;
                element.Value = mib.ToString(CultureInfo.InvariantCulture);
                element.SetAttributeValue("unit", "MiB");
            }
        }
        return doc.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>
    /// For a running VM: the change as one its node can make live, and the XML that records it, or null when it cannot
    /// be made live. Live are a vCPU count alone within the stored maximum (<c>vcpu</c>'s value: hot-plug; the XML gets
    /// <c>current</c>) and a memory size alone within the stored maximum (<c>memory</c>: the balloon; the XML gets
    /// <c>currentMemory</c>). A topology, both at once, or more than the maximum wait for a restart.
    /// </summary>
    public static (string Xml, VmLiveChange Change)? ApplyLive(VmRef vm, string stored, VmResourceChange change)
    {
        if (change.Topology is not null || (change.Vcpus is null) == (change.MemoryMiB is null) || change.Vcpus is < 1 || change.MemoryMiB is < 1)
            return null;
        var doc = Load(vm, stored);
        var root = doc.Root!;
        if (change.Vcpus is { } vcpus)
        {
            var vcpu = root.Element("vcpu");
            if (vcpu is null || !int.TryParse(vcpu.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var max) || vcpus > max)
                return null;
            if (vcpus == max)
                vcpu.Attribute("current")?.Remove();
            else
                vcpu.SetAttributeValue("current", vcpus.ToString(CultureInfo.InvariantCulture));
            return (doc.ToString(SaveOptions.DisableFormatting), new VmLiveChange { Kind = VmLiveChangeKind.SetVcpus, Vm = vm.Uuid, Vcpus = vcpus });
        }
        var mib = change.MemoryMiB!.Value;
        var memory = root.Element("memory");
        if (memory is null || MiB(memory) is not { } maxMiB || mib > maxMiB)
            return null;
        var current = root.Element("currentMemory");
        if (current is null)
            memory.AddAfterSelf(current = new XElement("currentMemory"));
        current.Value = mib.ToString(CultureInfo.InvariantCulture);
        current.SetAttributeValue("unit", "MiB");
        return (doc.ToString(SaveOptions.DisableFormatting), new VmLiveChange { Kind = VmLiveChangeKind.SetMemory, Vm = vm.Uuid, MemoryMiB = mib });
    }

    /// <summary>The change that sets a running VM's vCPUs or memory (as <paramref name="change"/> does) back to what <paramref name="stored"/> says it runs with; null when that cannot be read.</summary>
    public static VmLiveChange? UndoOf(VmRef vm, string stored, VmLiveChange change)
    {
        var root = Load(vm, stored).Root!;
        if (change.Kind == VmLiveChangeKind.SetVcpus)
        {
            var vcpu = root.Element("vcpu");
            var text = (string?)vcpu?.Attribute("current") ?? vcpu?.Value.Trim();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var vcpus) && vcpus >= 1
                ? new VmLiveChange { Kind = VmLiveChangeKind.SetVcpus, Vm = vm.Uuid, Vcpus = vcpus } : null;
        }
        if (change.Kind == VmLiveChangeKind.SetMemory && (root.Element("currentMemory") ?? root.Element("memory")) is { } memory && MiB(memory) is { } mib and >= 1)
            return new VmLiveChange { Kind = VmLiveChangeKind.SetMemory, Vm = vm.Uuid, MemoryMiB = mib };
        return null;
    }

    /// <summary>A memory element's size in whole MiB (libvirt's units; KiB without one), or null when it cannot be read.</summary>
    private static long? MiB(XElement element)
    {
        if (!long.TryParse(element.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            return null;
        long? bytesPer = ((string?)element.Attribute("unit") ?? "KiB") switch
        {
            "b" or "bytes" => 1,
            "KB" => 1000,
            "k" or "KiB" => 1024,
            "MB" => 1000_000,
            "M" or "MiB" => 1024L * 1024,
            "GB" => 1000_000_000,
            "G" or "GiB" => 1024L * 1024 * 1024,
            _ => null,
        };
        return bytesPer is { } per && value <= long.MaxValue / per ? value * per / (1024 * 1024) : null;
    }

    /// <summary>The stored XML as a document; stored XML that cannot be read is the cluster's data at fault, not the caller's input.</summary>
    internal static XDocument Load(VmRef vm, string stored)
    {
        try
        {
            DomainXml.Parse(stored);
            using var reader = XmlReader.Create(new StringReader(stored), Settings);
            return XDocument.Load(reader, LoadOptions.PreserveWhitespace);
        }
        catch (Exception e) when (e is PvcException { Kind: PvcErrorKind.InvalidArgument } or XmlException)
        {
            throw new PvcException(PvcErrorKind.InvalidData, PvcErrorIds.VmXmlInvalid,
                $"The VM '{vm.Name}''s stored XML cannot be read ({e.Message}); give it a valid definition first.") { Target = vm.Name };
        }
    }
}
