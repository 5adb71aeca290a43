namespace Pvc.Core.Vms;

/// <summary>
/// What a running VM is using, as rates over the last keepalive interval of its node (from two of its stats reports):
/// CPU, memory, disk and network. Rates are null when there is only one report yet, or the VM restarted between them.
/// </summary>
public sealed record VmStat
{
    /// <summary>The VM's name.</summary>
    public required string Name { get; init; }
    /// <summary>Its UUID.</summary>
    public required Guid Uuid { get; init; }
    /// <summary>The node it runs on.</summary>
    public string? Node { get; init; }
    /// <summary>libvirt's state of the VM at the last report (RUNNING, PAUSED, ...).</summary>
    public string? State { get; init; }
    /// <summary>vCPUs.</summary>
    public int? Vcpus { get; init; }
    /// <summary>CPU used, in percent of one host CPU (as top shows it: a busy 4-vCPU VM can show 400).</summary>
    public double? CpuPercent { get; init; }
    /// <summary>The memory the VM may have, MiB.</summary>
    public long? MemoryMiB { get; init; }
    /// <summary>The memory it has now (the balloon's size), MiB.</summary>
    public long? BalloonMiB { get; init; }
    /// <summary>Memory the guest uses, MiB (needs the guest's balloon driver).</summary>
    public long? GuestUsedMiB { get; init; }
    /// <summary>Bytes read a second, all disks.</summary>
    public double? DiskReadBytesPerSecond { get; init; }
    /// <summary>Bytes written a second, all disks.</summary>
    public double? DiskWriteBytesPerSecond { get; init; }
    /// <summary>Read requests a second, all disks.</summary>
    public double? DiskReadOpsPerSecond { get; init; }
    /// <summary>Write requests a second, all disks.</summary>
    public double? DiskWriteOpsPerSecond { get; init; }
    /// <summary>Bytes received a second, all interfaces.</summary>
    public double? NetReceiveBytesPerSecond { get; init; }
    /// <summary>Bytes sent a second, all interfaces.</summary>
    public double? NetSendBytesPerSecond { get; init; }
    /// <summary>Packets received a second, all interfaces.</summary>
    public double? NetReceivePacketsPerSecond { get; init; }
    /// <summary>Packets sent a second, all interfaces.</summary>
    public double? NetSendPacketsPerSecond { get; init; }
    /// <summary>The time between the two reports the rates come from (null with one report).</summary>
    public TimeSpan? Interval { get; init; }
    /// <summary>When the last report was written.</summary>
    public DateTimeOffset? SampledAt { get; init; }
    /// <summary>The last report itself, with the per-disk and per-interface counters.</summary>
    public VmStats? Stats { get; init; }

    /// <summary>
    /// The rates between two reports of one VM, <paramref name="before"/> written at <paramref name="beforeAt"/> and
    /// <paramref name="after"/> at <paramref name="afterAt"/>; with no earlier report (or one not earlier), the last
    /// report's figures without rates. A counter that went back (the VM restarted) gives no rate.
    /// </summary>
    public static VmStat From(string name, Guid uuid, string? node, VmStats? before, DateTimeOffset beforeAt, VmStats? after, DateTimeOffset afterAt)
    {
        var last = after ?? before;
        var stat = new VmStat
        {
            Name = name,
            Uuid = uuid,
            Node = node,
            State = last?.State,
            Vcpus = last?.Vcpus,
            MemoryMiB = last?.MaxMemoryKiB / 1024,
            BalloonMiB = last?.LiveMemoryKiB / 1024,
            GuestUsedMiB = last?.GuestUsedMemoryKiB / 1024,
            SampledAt = after is null ? (before is null ? null : beforeAt) : afterAt,
            Stats = last,
        };
        if (before is null || after is null || afterAt <= beforeAt)
            return stat;
        var seconds = (afterAt - beforeAt).TotalSeconds;
        double? Rate(long? from, long? to) => from is { } f && to is { } t && t >= f ? (t - f) / seconds : null;
        double? Sum<T>(IReadOnlyList<T> a, IReadOnlyList<T> b, Func<T, long> counter)
        {
            // the same devices in both reports, else a device came or went between them and the sums do not compare
            if (a.Count != b.Count)
                return null;
            return Rate(a.Sum(counter), b.Sum(counter));
        }
        return stat with
        {
            Interval = afterAt - beforeAt,
            CpuPercent = Rate(before.CpuTimeNs, after.CpuTimeNs) is { } ns ? Math.Round(ns / 1e9 * 100, 1) : null,
            DiskReadBytesPerSecond = Sum(before.Disks, after.Disks, d => d.ReadBytes),
            DiskWriteBytesPerSecond = Sum(before.Disks, after.Disks, d => d.WriteBytes),
            DiskReadOpsPerSecond = Sum(before.Disks, after.Disks, d => d.ReadRequests),
            DiskWriteOpsPerSecond = Sum(before.Disks, after.Disks, d => d.WriteRequests),
            NetReceiveBytesPerSecond = Sum(before.Nics, after.Nics, n => n.ReadBytes),
            NetSendBytesPerSecond = Sum(before.Nics, after.Nics, n => n.WriteBytes),
            NetReceivePacketsPerSecond = Sum(before.Nics, after.Nics, n => n.ReadPackets),
            NetSendPacketsPerSecond = Sum(before.Nics, after.Nics, n => n.WritePackets),
        };
    }
}
