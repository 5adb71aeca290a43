using System.Globalization;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;
using Pvc.Core.Errors;
using Pvc.Core.Storage;

namespace Pvc.NodeService.Ceph.Osds;

/// <summary>
/// PVC's OSD add and remove on this node (its <c>osd.add</c> and <c>osd.remove</c> tasks): the device is checked,
/// zapped, prepared and activated with ceph-volume, put in the crush map with its weight and started; removal takes
/// the OSD out, waits until Ceph says its data lives elsewhere, stops it, purges it and zaps the device. Progress is
/// reported step by step. What is recorded in ZooKeeper is the caller's (<see cref="OsdHostOperations"/>).
/// </summary>
public sealed class OsdProvisioner(CephVolume tools, OsdMonitor monitor, IOsdDaemons daemons, OsdToolOptions options, string nodeName)
{
    /// <summary>The steps of an add, for progress.</summary>
    public const int AddSteps = 6;

    /// <summary>The steps of a removal, for progress.</summary>
    public const int RemoveSteps = 5;

    /// <summary>How an add was asked for.</summary>
    /// <param name="Device">The device (a path, or a detect string this node resolves).</param>
    /// <param name="Weight">The crush weight (PVC's default 1.0).</param>
    public sealed record AddRequest(OsdDevice Device, double Weight = 1.0);

    /// <summary>
    /// Makes an OSD on the device. On a failure after ceph-volume registered the OSD, the OSD is purged and the device
    /// zapped again: nothing half made is left.
    /// </summary>
    /// <exception cref="PvcException">NotFound: "OsdDeviceNotFound"; InvalidOperation: "OsdDeviceHasPartitions", "OsdDeviceInUse", "CephCallFailed".</exception>
    public async Task<OsdRecord> AddAsync(AddRequest request, Func<int, string, Task>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        progress ??= (_, _) => Task.CompletedTask;
        await progress(1, $"Checking device {request.Device}");
        var device = await CheckUnusedAsync(request.Device, cancellationToken);

        await progress(2, $"Zapping {device}");
        await tools.ZapAsync(device, cancellationToken);
        await progress(3, $"Preparing an OSD on {device}");
        // PVC's class: nvme for an NVMe device, else ssd
        var deviceClass = device.Contains("nvme", StringComparison.Ordinal) ? "nvme" : "ssd";
        await tools.PrepareAsync(device, deviceClass, null, cancellationToken);
        var made = (await tools.ListAsync(device, cancellationToken)).SingleOrDefault()
            ?? throw CephErrors.ToolFailed("ceph-volume raw list", device, 0, "the prepared device shows no OSD");
        try
        {
            await progress(4, $"Adding osd.{made.Id} to the crush map");
            await monitor.CrushAddAsync(made.Id, request.Weight, nodeName, cancellationToken);
            await progress(5, $"Activating and starting osd.{made.Id}");
            await tools.ActivateAsync(device, cancellationToken);
            await daemons.StartAsync(made.Id, options.DataPath(made.Id), cancellationToken);
            await progress(6, $"Waiting for osd.{made.Id} to come up");
            await WaitAsync(async ct => (await monitor.ListAsync(ct)).Any(o => o.Id == made.Id && o.Up), options.SettleTimeout,
                () => OsdErrors.NotUpInTime(made.Id, options.SettleTimeout), cancellationToken);
        }
        catch
        {
            await UndoAsync(made.Id, device);
            throw;
        }
        // the device as resolved (not a detect: string), so a removal can compare it with the OSD it holds
        return new OsdRecord(made.Id, nodeName, device, "", made.Fsid, made.ClusterFsid, "", "", IsSplit: false);
    }

    /// <summary>
    /// The device a new OSD may be made on: resolved (a detect string), the block device a link points to, with no
    /// partition table, no OSD and nothing else on it (the zap that follows destroys whatever is there, rev14 P2-7).
    /// </summary>
    /// <exception cref="PvcException">NotFound: "OsdDeviceNotFound"; InvalidOperation: "OsdDeviceHasPartitions", "OsdDeviceInUse".</exception>
    internal async Task<string> CheckUnusedAsync(OsdDevice requested, CancellationToken cancellationToken)
    {
        var asked = requested.IsDetect ? await ResolveAsync(requested, cancellationToken) : requested.Text;
        // the tools get the device the link resolves to, not the link, which could be changed under them (rev14 P3-12)
        if (!IsBlockDevice(asked) || RealPath(asked) is not { } device)
            throw OsdErrors.DeviceNotFound(asked, nodeName);
        if (await tools.HasPartitionTableAsync(device, cancellationToken))
            throw OsdErrors.DeviceHasPartitions(device, nodeName);
        if ((await tools.ListAsync(device, cancellationToken)).FirstOrDefault() is { } existing)
            throw OsdErrors.DeviceInUse(device, nodeName, $"it holds osd.{existing.Id} of cluster {existing.ClusterFsid}");
        if (await BlockDeviceUse.DescribeAsync(device, cancellationToken) is { } use)
            throw OsdErrors.DeviceInUse(device, nodeName, use);
        return device;
    }

    /// <summary>
    /// Removes an OSD of this node: out, wait until safe to destroy (refused when no other OSD is up and in to take its
    /// data, unless <paramref name="force"/>), stop, purge, zap its device. With <paramref name="force"/> the waits are
    /// skipped and the steps' errors ignored, as PVC's force does. Only a device that holds this very OSD (its id and
    /// <paramref name="osdFsid"/>, as ceph-volume reads them from its BlueStore label) is zapped: the recorded
    /// <paramref name="device"/> when it does, else the device of this host that does; none when no device does (rev14
    /// P1-1: kernel names change across reboots, and a record can be written by anyone). Returns the zapped device.
    /// </summary>
    /// <exception cref="PvcException">InvalidOperation: "OsdHoldsLastData"; OperationTimeout: "CephTimeout".</exception>
    public async Task<string?> RemoveAsync(int id, string? device, Guid? osdFsid, bool force, Func<int, string, Task>? progress, CancellationToken cancellationToken)
    {
        progress ??= (_, _) => Task.CompletedTask;
        await progress(1, $"Checking that osd.{id}'s data lives elsewhere");
        if (!force && !await monitor.IsSafeToDestroyAsync(id, cancellationToken))
        {
            var others = (await monitor.ListAsync(cancellationToken)).Count(o => o.Id != id && o.Up && o.In);
            if (others == 0)
                throw OsdErrors.HoldsLastData(id);
        }
        await progress(2, $"Marking osd.{id} out");
        await Step(force, ct => monitor.MarkOutAsync(id, ct), cancellationToken);
        if (!force)
        {
            await progress(3, $"Waiting for osd.{id}'s data to move");
            await WaitAsync(ct => monitor.IsSafeToDestroyAsync(id, ct), options.SettleTimeout, () => OsdErrors.NotSafeInTime(id, options.SettleTimeout), cancellationToken);
        }
        // found before the purge, while the OSD is still the monitors'; read from the devices, not from the record
        var holder = await HolderAsync(id, device, osdFsid, cancellationToken);
        await progress(4, $"Stopping and purging osd.{id}");
        await Step(force, ct => daemons.StopAsync(id, ct), cancellationToken);
        await Step(force, ct => monitor.MarkDownAsync(id, ct), cancellationToken);
        await Step(force, ct => monitor.PurgeAsync(id, ct), cancellationToken);
        RemoveDataFolder(id);
        if (holder is not null)
        {
            await progress(5, $"Zapping {holder}");
            await Step(force, ct => tools.ZapAsync(holder, ct), cancellationToken);
        }
        return holder;
    }

    /// <summary>The device of this host whose BlueStore label names this OSD (id and fsid); null when none does.</summary>
    internal async Task<string?> HolderAsync(int id, string? device, Guid? osdFsid, CancellationToken cancellationToken)
    {
        if (osdFsid is not { } fsid)
            return null;
        bool Holds(CephVolume.RawOsd o) => o.Id == id && o.Fsid == fsid;
        try
        {
            if (device is not null && OsdDevice.IsDevicePath(device) && IsBlockDevice(device) && (await tools.ListAsync(device, cancellationToken)).Any(Holds))
                return device;
            var found = (await tools.ListAllAsync(cancellationToken)).Where(Holds).Select(o => o.Device).ToList();
            return found.Count == 1 && OsdDevice.IsDevicePath(found[0]) && IsBlockDevice(found[0]) ? found[0] : null;
        }
        catch (PvcException)
        {
            // a device that cannot be read is not zapped
            return null;
        }
    }

    private async Task UndoAsync(int id, string device)
    {
        // best effort: the failure that brought us here is what the caller reports
        try { await daemons.StopAsync(id, CancellationToken.None); } catch (Exception e) when (e is PvcException or InvalidOperationException) { }
        try { await monitor.PurgeAsync(id, CancellationToken.None); } catch (PvcException) { }
        RemoveDataFolder(id);
        try { await tools.ZapAsync(device, CancellationToken.None); } catch (PvcException) { }
    }

    internal void RemoveDataFolder(int id)
    {
        var path = options.DataPath(id);
        if (Directory.Exists(path))
            Directory.Delete(path, recursive: true);
    }

    private static async Task Step(bool force, Func<CancellationToken, Task> step, CancellationToken cancellationToken)
    {
        try
        {
            await step(cancellationToken);
        }
        catch (PvcException) when (force)
        {
            // PVC's force: go on through a failed step
        }
    }

    internal static async Task WaitAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan deadline, Func<PvcException> timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(deadline);
        try
        {
            // Ceph offers no watch on the OSD map through librados' monitor commands: a short poll with a deadline
            while (!await condition(limit.Token))
                await Task.Delay(500, limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw timeout();
        }
    }

    /// <summary>The device a path resolves to, when it is a device path itself.</summary>
    internal static string? RealPath(string path)
    {
        try
        {
            var real = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
            return OsdDevice.IsDevicePath(real) ? real : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    // .NET has no S_ISBLK: the kernel lists every block device under /sys/class/block by its name
    internal static bool IsBlockDevice(string path)
    {
        try
        {
            var real = File.Exists(path) ? new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path : null;
            return real is not null && real.StartsWith("/dev/", StringComparison.Ordinal) && Directory.Exists(Path.Combine("/sys/class/block", Path.GetFileName(real)));
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Resolves PVC's <c>detect:&lt;name&gt;:&lt;size&gt;:&lt;index&gt;</c>: the index-th disk (by kernel name) whose model
    /// contains the name and whose size is within 3 % of the size (lsblk's view; PVC reads lsscsi and nvme list).
    /// </summary>
    /// <exception cref="PvcException">NotFound: "OsdDeviceNotFound".</exception>
    public async Task<string> ResolveAsync(OsdDevice device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!device.IsDetect)
            return device.Text;
        var wanted = ParseSize(device.DetectSize!);
        var result = await Cli.Wrap("/usr/bin/lsblk").WithArguments(["--json", "--bytes", "--nodeps", "--output", "NAME,MODEL,SIZE,TYPE"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
        using var json = JsonDocument.Parse(result.ExitCode == 0 ? result.StandardOutput : "{\"blockdevices\":[]}");
        var matches = json.RootElement.GetProperty("blockdevices").EnumerateArray()
            .Where(d => d.GetProperty("type").GetString() == "disk")
            .Where(d => (d.GetProperty("model").GetString() ?? "").Replace(' ', '_').Contains(device.DetectName!.Replace(' ', '_'), StringComparison.OrdinalIgnoreCase))
            .Where(d => d.GetProperty("size").GetInt64() is var size && wanted is not null && Math.Abs(size - wanted.Value) <= wanted.Value * 0.03)
            .Select(d => "/dev/" + d.GetProperty("name").GetString())
            .Order(StringComparer.Ordinal)
            .ToList();
        return device.Index < matches.Count && OsdDevice.IsDevicePath(matches[device.Index])
            ? matches[device.Index]
            : throw OsdErrors.DeviceNotFound(device.Text, nodeName);
    }

    private static long? ParseSize(string text)
    {
        var digits = new string([.. text.TakeWhile(c => char.IsAsciiDigit(c) || c == '.')]);
        if (!double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return null;
        // lsscsi's sizes, as PVC's detect strings carry them, are decimal units
        var unit = text[digits.Length..].ToUpperInvariant().TrimEnd('B');
        double factor = unit switch { "" => 1, "K" => 1e3, "M" => 1e6, "G" => 1e9, "T" => 1e12, "P" => 1e15, _ => double.NaN };
        return double.IsNaN(factor) ? null : (long)(number * factor);
    }
}
