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
    /// <exception cref="PvcException">NotFound: "OsdDeviceNotFound"; InvalidOperation: "OsdDeviceHasPartitions", "CephCallFailed".</exception>
    public async Task<OsdRecord> AddAsync(AddRequest request, Func<int, string, Task>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        progress ??= (_, _) => Task.CompletedTask;
        await progress(1, $"Checking device {request.Device}");
        var device = request.Device.IsDetect ? await ResolveAsync(request.Device, cancellationToken) : request.Device.Text;
        if (!IsBlockDevice(device))
            throw OsdErrors.DeviceNotFound(device, nodeName);
        if (await tools.HasPartitionTableAsync(device, cancellationToken))
            throw OsdErrors.DeviceHasPartitions(device, nodeName);

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
        return new OsdRecord(made.Id, nodeName, request.Device.Text, "", made.Fsid, made.ClusterFsid, "", "", IsSplit: false);
    }

    /// <summary>
    /// Removes an OSD of this node: out, wait until safe to destroy (refused when no other OSD is up and in to take its
    /// data, unless <paramref name="force"/>), stop, purge, zap its device. With <paramref name="force"/> the waits are
    /// skipped and the steps' errors ignored, as PVC's force does.
    /// </summary>
    /// <exception cref="PvcException">InvalidOperation: "OsdHoldsLastData"; OperationTimeout: "CephTimeout".</exception>
    public async Task RemoveAsync(int id, string? device, bool force, Func<int, string, Task>? progress, CancellationToken cancellationToken)
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
        await progress(4, $"Stopping and purging osd.{id}");
        await Step(force, ct => daemons.StopAsync(id, ct), cancellationToken);
        await Step(force, ct => monitor.MarkDownAsync(id, ct), cancellationToken);
        await Step(force, ct => monitor.PurgeAsync(id, ct), cancellationToken);
        RemoveDataFolder(id);
        if (device is not null && OsdDevice.IsDevicePath(device) && IsBlockDevice(device))
        {
            await progress(5, $"Zapping {device}");
            await Step(force, ct => tools.ZapAsync(device, ct), cancellationToken);
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

    private void RemoveDataFolder(int id)
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

    private static async Task WaitAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan deadline, Func<PvcException> timeout, CancellationToken cancellationToken)
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
