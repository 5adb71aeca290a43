using System.Text.Json;
using Pvc.Core.Schema;

namespace Pvc.Core.Vms;

/// <summary>
/// A running VM's statistics as its node reported them at one keepalive (<c>/domains/&lt;uuid&gt;/stats</c>): PVC's JSON
/// document, key for key (<see cref="Parse"/> reads it, <see cref="Encode"/> writes it). Counters run from the VM's start;
/// <see cref="VmStat.From"/> turns two reports into rates.
/// </summary>
public sealed record VmStats
{
    /// <summary>libvirt's state name: <c>state</c> (NOSTATE, RUNNING, BLOCKED, PAUSED, SHUTDOWN, SHUTOFF, CRASHED, PMSUSPENDED).</summary>
    public string? State { get; init; }
    /// <summary><c>maxmem</c>: the memory the VM may have, KiB.</summary>
    public long? MaxMemoryKiB { get; init; }
    /// <summary><c>livemem</c>: the memory it has now (after ballooning), KiB.</summary>
    public long? LiveMemoryKiB { get; init; }
    /// <summary><c>cpus</c>: vCPUs.</summary>
    public int? Vcpus { get; init; }
    /// <summary><c>cputime</c>: CPU time used by the VM, nanoseconds.</summary>
    public long? CpuTimeNs { get; init; }
    /// <summary><c>cpu_stats.user_time</c>, nanoseconds.</summary>
    public long? CpuUserNs { get; init; }
    /// <summary><c>cpu_stats.system_time</c>, nanoseconds.</summary>
    public long? CpuSystemNs { get; init; }
    /// <summary><c>mem_stats</c>: the balloon driver's figures, KiB (actual, unused, available, usable, rss, swap_in, ...), as libvirt names them.</summary>
    public IReadOnlyDictionary<string, long> MemoryStats { get; init; } = new Dictionary<string, long>();
    /// <summary><c>disk_stats</c>.</summary>
    public IReadOnlyList<VmDiskStats> Disks { get; init; } = [];
    /// <summary><c>net_stats</c>.</summary>
    public IReadOnlyList<VmNicStats> Nics { get; init; } = [];
    /// <summary>The document as stored (for fields not typed here); "" for one this process made and did not encode.</summary>
    public string Json { get; init; } = "";

    /// <summary>Memory the guest uses (available − unused from the balloon driver), KiB; null without a balloon driver's report.</summary>
    public long? GuestUsedMemoryKiB =>
        MemoryStats.TryGetValue("available", out var available) && MemoryStats.TryGetValue("unused", out var unused) ? available - unused : null;

    /// <summary>Parses PVC's stats JSON; null for "" or anything unreadable.</summary>
    public static VmStats? Parse(string? json)
    {
        if (PvcJson.ParseObject(json) is not { } root)
            return null;
        var cpu = root.TryGetProperty("cpu_stats", out var c) && c.ValueKind == JsonValueKind.Object ? c : (JsonElement?)null;
        return new VmStats
        {
            State = PvcJson.Text(root, "state"),
            MaxMemoryKiB = PvcJson.Long(root, "maxmem"),
            LiveMemoryKiB = PvcJson.Long(root, "livemem"),
            Vcpus = PvcJson.Int(root, "cpus"),
            CpuTimeNs = PvcJson.Long(root, "cputime"),
            CpuUserNs = cpu is { } u ? PvcJson.Long(u, "user_time") : null,
            CpuSystemNs = cpu is { } s ? PvcJson.Long(s, "system_time") : null,
            MemoryStats = root.TryGetProperty("mem_stats", out var m) && m.ValueKind == JsonValueKind.Object
                ? m.EnumerateObject().Where(p => PvcJson.Long(m, p.Name) is not null).ToDictionary(p => p.Name, p => PvcJson.Long(m, p.Name)!.Value, StringComparer.Ordinal)
                : new Dictionary<string, long>(),
            Disks = Objects(root, "disk_stats").Select(d => new VmDiskStats(PvcJson.Text(d, "name") ?? "", L(d, "rd_req"), L(d, "rd_bytes"), L(d, "wr_req"), L(d, "wr_bytes"), L(d, "err"))).ToList(),
            Nics = Objects(root, "net_stats").Select(n => new VmNicStats(PvcJson.Text(n, "name") ?? "", PvcJson.Text(n, "bridge") ?? "", L(n, "rd_bytes"), L(n, "rd_packets"),
                L(n, "rd_errors"), L(n, "rd_drops"), L(n, "wr_bytes"), L(n, "wr_packets"), L(n, "wr_errors"), L(n, "wr_drops"))).ToList(),
            Json = json!,
        };

        static long L(JsonElement e, string name) => PvcJson.Long(e, name) ?? 0;

        static IEnumerable<JsonElement> Objects(JsonElement root, string name) =>
            root.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object) : [];
    }

    /// <summary>The document as PVC's keepalive writes it (<c>json.dumps</c> of its dict, in its key order).</summary>
    public string Encode()
    {
        var memory = new PvcJsonWriter();
        foreach (var (name, value) in MemoryStats)
            memory.Add(name, value);
        var cpu = new PvcJsonWriter();
        if (CpuTimeNs is { } time)
            cpu.Add("cpu_time", time);
        if (CpuUserNs is { } user)
            cpu.Add("user_time", user);
        if (CpuSystemNs is { } system)
            cpu.Add("system_time", system);
        return new PvcJsonWriter()
            .Add("state", State ?? "NOSTATE")
            .Add("maxmem", MaxMemoryKiB ?? 0)
            .Add("livemem", LiveMemoryKiB ?? 0)
            .Add("cpus", Vcpus ?? 0)
            .Add("cputime", CpuTimeNs ?? 0)
            .Add("mem_stats", memory)
            .Add("cpu_stats", cpu)
            .Add("disk_stats", Disks.Select(d => new PvcJsonWriter().Add("name", d.Name).Add("rd_req", d.ReadRequests).Add("rd_bytes", d.ReadBytes)
                .Add("wr_req", d.WriteRequests).Add("wr_bytes", d.WriteBytes).Add("err", d.Errors)))
            .Add("net_stats", Nics.Select(n => new PvcJsonWriter().Add("name", n.Name).Add("bridge", n.Bridge).Add("rd_bytes", n.ReadBytes)
                .Add("rd_packets", n.ReadPackets).Add("rd_errors", n.ReadErrors).Add("rd_drops", n.ReadDrops).Add("wr_bytes", n.WriteBytes)
                .Add("wr_packets", n.WritePackets).Add("wr_errors", n.WriteErrors).Add("wr_drops", n.WriteDrops)))
            .ToString();
    }
}
