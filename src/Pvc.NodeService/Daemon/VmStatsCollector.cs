using System.Xml;
using System.Xml.Linq;
using Pvc.Core.Vms;
using Pvc.NodeService.Libvirt;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// PVC's per-VM stats (<c>/domains/&lt;uuid&gt;/stats</c>) for every cluster VM running here, from one libvirt call for
/// all domains (<c>virConnectGetAllDomainStats</c>) instead of PVC's five calls a VM. Disks are named by their source
/// and interfaces get their bridge, as PVC's do, from each domain's live XML, read once per run of the domain (again
/// only when a device appears that it does not name: a hot-plugged disk or interface).
/// </summary>
internal sealed class VmStatsCollector(Hypervisor hypervisor)
{
    private const DomainStatsGroups Groups = DomainStatsGroups.State | DomainStatsGroups.CpuTotal | DomainStatsGroups.Balloon
        | DomainStatsGroups.Vcpu | DomainStatsGroups.Interface | DomainStatsGroups.Block;

    /// <summary>libvirt's state names, as PVC writes them (virDomainState order).</summary>
    private static readonly string[] StateNames = ["NOSTATE", "RUNNING", "BLOCKED", "PAUSED", "SHUTDOWN", "SHUTOFF", "CRASHED", "PMSUSPENDED"];

    /// <summary>libvirt's balloon field names to PVC's (<c>memoryStats()</c>'s keys).</summary>
    private static readonly (string Field, string Key)[] BalloonFields =
    [
        ("balloon.current", "actual"), ("balloon.swap_in", "swap_in"), ("balloon.swap_out", "swap_out"), ("balloon.major_fault", "major_fault"),
        ("balloon.minor_fault", "minor_fault"), ("balloon.unused", "unused"), ("balloon.available", "available"), ("balloon.usable", "usable"),
        ("balloon.last-update", "last_update"), ("balloon.disk_caches", "disk_caches"), ("balloon.hugetlb_pgalloc", "hugetlb_pgalloc"),
        ("balloon.hugetlb_pgfail", "hugetlb_pgfail"), ("balloon.rss", "rss"),
    ];

    private readonly Dictionary<Guid, Devices> _devices = [];

    /// <summary>Domain XML device names: disk target to source, a bridged interface's tap to its bridge, and the other taps.</summary>
    private sealed record Devices(IReadOnlyDictionary<string, string> DiskSources, IReadOnlyDictionary<string, string> Bridges, IReadOnlySet<string> OtherTaps);

    /// <summary>The stats of the running domains among <paramref name="known"/> (cluster VMs, with their stored memory and vCPUs).</summary>
    public IReadOnlyDictionary<Guid, VmStats> Collect(IReadOnlyDictionary<Guid, KnownVm> known)
    {
        var result = new Dictionary<Guid, VmStats>();
        var records = hypervisor.AllDomainStats(Groups);
        foreach (var gone in _devices.Keys.Where(u => !records.Any(r => r.Uuid == u)).ToList())
            _devices.Remove(gone);
        foreach (var record in records)
        {
            if (!known.TryGetValue(record.Uuid, out var vm))
                continue; // not a cluster VM
            var state = record.Number("state.state") ?? 0;
            // as PVC's: a domain that is not running (paused for a migration, shutting down) has no meaningful figures
            if (state != 1)
                continue;
            result[record.Uuid] = From(record, vm);
        }
        return result;
    }

    private VmStats From(DomainStatsRecord record, KnownVm vm)
    {
        var devices = DevicesOf(record);
        var memory = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (field, key) in BalloonFields)
            if (record.Number(field) is { } value)
                memory[key] = value;
        var disks = new List<VmDiskStats>();
        for (var i = 0; i < (record.Number("block.count") ?? 0); i++)
        {
            var target = record.Text($"block.{i}.name") ?? "";
            var name = devices.DiskSources.GetValueOrDefault(target) ?? record.Text($"block.{i}.path") ?? target;
            disks.Add(new VmDiskStats(name, N($"block.{i}.rd.reqs"), N($"block.{i}.rd.bytes"), N($"block.{i}.wr.reqs"), N($"block.{i}.wr.bytes"), N($"block.{i}.errors")));
        }
        var nics = new List<VmNicStats>();
        for (var i = 0; i < (record.Number("net.count") ?? 0); i++)
        {
            // PVC's: bridged interfaces only
            if (record.Text($"net.{i}.name") is not { } tap || !devices.Bridges.TryGetValue(tap, out var bridge))
                continue;
            nics.Add(new VmNicStats(tap, bridge, N($"net.{i}.rx.bytes"), N($"net.{i}.rx.pkts"), N($"net.{i}.rx.errs"), N($"net.{i}.rx.drop"),
                N($"net.{i}.tx.bytes"), N($"net.{i}.tx.pkts"), N($"net.{i}.tx.errs"), N($"net.{i}.tx.drop")));
        }
        return new VmStats
        {
            State = StateNames[1],
            // a driver without balloon figures (the test driver) reports what the VM is defined with
            MaxMemoryKiB = record.Number("balloon.maximum") ?? vm.MemoryMiB * 1024,
            LiveMemoryKiB = record.Number("balloon.current") ?? vm.MemoryMiB * 1024,
            Vcpus = (int?)record.Number("vcpu.current") ?? vm.Vcpus,
            CpuTimeNs = record.Number("cpu.time") ?? 0,
            CpuUserNs = record.Number("cpu.user"),
            CpuSystemNs = record.Number("cpu.system"),
            MemoryStats = memory,
            Disks = disks,
            Nics = nics,
        };

        long N(string field) => record.Number(field) ?? 0;
    }

    private Devices DevicesOf(DomainStatsRecord record)
    {
        var targets = Enumerable.Range(0, (int)(record.Number("block.count") ?? 0)).Select(i => record.Text($"block.{i}.name")).OfType<string>();
        var taps = Enumerable.Range(0, (int)(record.Number("net.count") ?? 0)).Select(i => record.Text($"net.{i}.name")).OfType<string>();
        if (_devices.TryGetValue(record.Uuid, out var known) && targets.All(known.DiskSources.ContainsKey) && taps.All(t => known.Bridges.ContainsKey(t) || known.OtherTaps.Contains(t)))
            return known;
        var read = Parse(hypervisor.LiveXml(record.Uuid));
        _devices[record.Uuid] = read;
        return read;
    }

    /// <summary>The device names of a live domain XML (none for XML that does not parse).</summary>
    private static Devices Parse(string? xml)
    {
        var disks = new Dictionary<string, string>(StringComparer.Ordinal);
        var bridges = new Dictionary<string, string>(StringComparer.Ordinal);
        var others = new HashSet<string>(StringComparer.Ordinal);
        if (xml is null)
            return new Devices(disks, bridges, others);
        try
        {
            var devices = XDocument.Parse(xml).Root?.Element("devices");
            foreach (var disk in devices?.Elements("disk") ?? [])
                if (disk.Element("target")?.Attribute("dev")?.Value is { } target
                    && (disk.Element("source")?.Attribute("name")?.Value ?? disk.Element("source")?.Attribute("file")?.Value) is { } source)
                    disks[target] = source;
            foreach (var nic in devices?.Elements("interface") ?? [])
            {
                if (nic.Element("target")?.Attribute("dev")?.Value is not { } tap)
                    continue;
                if (nic.Attribute("type")?.Value == "bridge" && nic.Element("source")?.Attribute("bridge")?.Value is { } bridge)
                    bridges[tap] = bridge;
                else
                    others.Add(tap); // known, and not bridged: no reason to read the XML again for it
            }
        }
        catch (XmlException)
        {
        }
        return new Devices(disks, bridges, others);
    }
}
