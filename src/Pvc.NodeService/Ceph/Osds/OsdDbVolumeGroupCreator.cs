using System.Text.Json.Nodes;
using Pvc.Core.Errors;
using Pvc.Core.Storage;

namespace Pvc.NodeService.Ceph.Osds;

/// <summary>
/// PVC's osd.add_db_vg on a node: the volume group <c>osd-db</c> for OSDs' external databases, on one Linux LVM
/// partition spanning the device (<c>sgdisk --clear</c>, <c>sgdisk --new 1:: --typecode 1:8e00</c>, <c>pvcreate
/// --force</c>, <c>vgcreate --force osd-db</c>), each tool through CliWrap with its own argv entries. Refused, with
/// nothing changed, when the node has an <c>osd-db</c> already (PVC: <c>vgdisplay osd-db</c> exits 0) or the device
/// is no unused block device (an OSD, a filesystem, a partition table, an LVM or md member, a mount: the partitioning
/// destroys what is there). A failure after the partitioning began removes what it made.
/// </summary>
public sealed class OsdDbVolumeGroupCreator(OsdProvisioner provisioner, OsdToolOptions options, string nodeName)
{
    // LVM warns on stderr of every descriptor it inherits; the service's are not its business
    private readonly OsdToolRunner _tools = new(options, new Dictionary<string, string> { ["LVM_SUPPRESS_FD_WARNINGS"] = "1" });

    /// <summary>The steps, for progress.</summary>
    public const int Steps = 3;

    /// <summary>vgdisplay's exit code for a volume group that does not exist (PVC checks for it).</summary>
    private const int VolumeGroupNotFound = 5;

    /// <summary>osd.add_db_vg: returns {node, device, partition, volume_group}.</summary>
    /// <exception cref="PvcException">
    /// NotFound: "OsdDeviceNotFound"; InvalidOperation: "OsdDbVolumeGroupExists", "OsdDeviceHasPartitions",
    /// "OsdDeviceInUse", "CephCallFailed" (a tool failed); OperationTimeout: "CephTimeout".
    /// </exception>
    public async Task<JsonNode?> CreateAsync(JsonObject arguments, Func<int, int, string, Task> report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var request = OsdDbVolumeGroupRequest.FromArguments(arguments);
        const string vg = OsdDbVolumeGroupRequest.VolumeGroup;

        await report(1, Steps, $"Checking {request.Device} and volume group {vg}");
        var (code, _, error) = await _tools.RunAsync("/usr/sbin/vgdisplay", [vg], cancellationToken);
        if (code == 0)
            throw OsdErrors.DbVolumeGroupExists(nodeName, vg);
        if (code != VolumeGroupNotFound)
            throw CephErrors.ToolFailed("vgdisplay", vg, code, LastLine(error));
        var device = await provisioner.CheckUnusedAsync(request.Device, cancellationToken);

        string? partition = null;
        var pvCreated = false;
        try
        {
            await report(2, Steps, $"Making one LVM partition on {device}");
            await CheckedAsync("/usr/sbin/sgdisk", ["--clear", device], "sgdisk --clear", device, cancellationToken);
            await CheckedAsync("/usr/sbin/sgdisk", ["--new", "1::", "--typecode", "1:8e00", device], "sgdisk --new", device, cancellationToken);
            partition = await PartitionAsync(device, cancellationToken);

            await report(3, Steps, $"Making volume group {vg} on {partition}");
            await CheckedAsync("/usr/sbin/pvcreate", ["--force", partition], "pvcreate", partition, cancellationToken);
            pvCreated = true;
            await CheckedAsync("/usr/sbin/vgcreate", ["--force", vg, partition], "vgcreate", partition, cancellationToken);
        }
        catch
        {
            // best effort: the failure that brought us here is what the caller reports. Only what this task made goes:
            // never the volume group (nothing follows vgcreate, and an osd-db that exists may be another task's), the
            // physical volume only after our own pvcreate, and the partition on the device checked unused above
            if (partition is not null)
            {
                if (pvCreated)
                    await _tools.RunAsync("/usr/sbin/pvremove", ["--force", "--force", "--yes", partition], CancellationToken.None);
                await _tools.RunAsync("/usr/bin/partx", ["--delete", device], CancellationToken.None);
            }
            await _tools.RunAsync("/usr/sbin/sgdisk", ["--zap-all", device], CancellationToken.None);
            throw;
        }
        return new JsonObject { ["node"] = nodeName, ["device"] = device, ["partition"] = partition, ["volume_group"] = vg };
    }

    /// <summary>
    /// The device's partition 1, as the kernel lists it under /sys/class/block. A kernel that reads no GPT itself (or a
    /// device it did not re-read) is told of the partition with <c>partx --update</c>, which adds it from the table.
    /// </summary>
    private async Task<string> PartitionAsync(string device, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(device);
        string? Find() => Directory.Exists(Path.Combine("/sys/class/block", name))
            ? Directory.EnumerateDirectories(Path.Combine("/sys/class/block", name))
                .FirstOrDefault(d => File.Exists(Path.Combine(d, "partition")) && File.ReadAllText(Path.Combine(d, "partition")).Trim() == "1") is { } dir
                ? "/dev/" + Path.GetFileName(dir) : null
            : null;
        await _tools.RunAsync("/usr/bin/partx", ["--update", device], cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            // the device node follows the kernel's uevent (devtmpfs at once, udev a moment later): a short poll with a deadline
            while (Find() is not { } partition || !OsdProvisioner.IsBlockDevice(partition))
                await Task.Delay(200, limit.Token);
            return Find()!;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw CephErrors.ToolFailed("sgdisk --new", device, 0, "the kernel shows no partition 1 on the device after 30 s");
        }
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";

    private async Task CheckedAsync(string tool, IReadOnlyList<string> args, string operation, string target, CancellationToken cancellationToken)
    {
        if (!OsdDevice.IsDevicePath(target))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidOsdDevice, $"'{target}' is not a device path under /dev.") { Target = target };
        var (code, _, error) = await _tools.RunAsync(tool, args, cancellationToken);
        if (code != 0)
            throw CephErrors.ToolFailed(operation, target, code, LastLine(error));
    }
}
