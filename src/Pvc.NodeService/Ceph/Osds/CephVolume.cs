using System.Text.Json;
using Pvc.Core.Errors;
using Pvc.Core.Storage;

namespace Pvc.NodeService.Ceph.Osds;

/// <summary>
/// ceph-volume and the disk tools PVC runs around it (<c>sfdisk --dump</c>), through CliWrap: each argument its own argv
/// entry, no shell, the device checked by <see cref="OsdDevice.IsDevicePath"/> first, the cluster's ceph.conf given as
/// CEPH_CONF. ceph-volume's <c>raw</c> mode is used: the OSD's data is the whole device, with no LVM under it (see
/// docs/ceph-access.md for why not PVC's <c>lvm batch</c>).
/// </summary>
public sealed class CephVolume(OsdToolOptions options)
{
    private readonly OsdToolRunner _tools = new(options, new Dictionary<string, string> { ["CEPH_CONF"] = options.ConfigPath });
    private readonly string _clusterName = options.ClusterName;

    /// <summary>One OSD ceph-volume found on a device.</summary>
    /// <param name="Id">The OSD id.</param>
    /// <param name="Fsid">The OSD's fsid.</param>
    /// <param name="ClusterFsid">The Ceph cluster's fsid.</param>
    /// <param name="Device">The device.</param>
    public sealed record RawOsd(int Id, Guid Fsid, Guid ClusterFsid, string Device);

    /// <summary>True when the device has a partition table (PVC: <c>sfdisk --dump</c> succeeds).</summary>
    public async Task<bool> HasPartitionTableAsync(string device, CancellationToken cancellationToken)
    {
        var (code, output, _) = await _tools.RunAsync("/usr/sbin/sfdisk", ["--dump", Checked(device)], cancellationToken);
        return code == 0 && output.Contains("label:", StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>ceph-volume lvm zap --destroy &lt;device&gt;</c>, then the first 10 MiB zeroed, as that zap does to the disks it
    /// recognises: it leaves devices it does not (a loop device) as they were, bluestore label and all, and a label
    /// left there makes the next prepare on the device refuse it.
    /// </summary>
    public async Task ZapAsync(string device, CancellationToken cancellationToken)
    {
        await CephVolumeAsync(["lvm", "zap", "--destroy", Checked(device)], "ceph-volume lvm zap", device, cancellationToken);
        await using var disk = new FileStream(device, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1 << 20, FileOptions.WriteThrough);
        var zeros = new byte[1 << 20];
        // a block device reports no Length to a FileStream; an OSD device is far larger than 10 MiB
        for (var i = 0; i < 10; i++)
            await disk.WriteAsync(zeros, cancellationToken);
        await disk.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// <c>ceph-volume raw prepare --bluestore --no-tmpfs --crush-device-class &lt;class&gt; --data &lt;device&gt;</c>
    /// (with <c>--osd-id</c> to reuse a destroyed OSD's id): registers a new OSD with the monitors and formats the device.
    /// </summary>
    public Task PrepareAsync(string device, string deviceClass, int? osdId, CancellationToken cancellationToken)
    {
        List<string> args = ["raw", "prepare", "--bluestore", "--no-tmpfs", "--crush-device-class", deviceClass, "--data", Checked(device)];
        if (osdId is { } id)
            args.AddRange(["--osd-id", id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        return CephVolumeAsync(args, "ceph-volume raw prepare", device, cancellationToken);
    }

    /// <summary><c>ceph-volume raw activate --device &lt;device&gt; --no-systemd --no-tmpfs</c>: fills the OSD's data folder.</summary>
    public Task ActivateAsync(string device, CancellationToken cancellationToken) =>
        CephVolumeAsync(["raw", "activate", "--device", Checked(device), "--no-systemd", "--no-tmpfs"], "ceph-volume raw activate", device, cancellationToken);

    /// <summary>The OSDs ceph-volume finds on a device (<c>ceph-volume raw list &lt;device&gt; --format json</c>).</summary>
    public async Task<IReadOnlyList<RawOsd>> ListAsync(string device, CancellationToken cancellationToken) =>
        Parse(await CephVolumeAsync(["raw", "list", Checked(device), "--format", "json"], "ceph-volume raw list", device, cancellationToken), device);

    /// <summary>The OSDs ceph-volume finds on every block device of this host (<c>ceph-volume raw list --format json</c>).</summary>
    public async Task<IReadOnlyList<RawOsd>> ListAllAsync(CancellationToken cancellationToken) =>
        Parse(await CephVolumeAsync(["raw", "list", "--format", "json"], "ceph-volume raw list", "", cancellationToken), "");

    private static List<RawOsd> Parse(string output, string device)
    {
        using var json = JsonDocument.Parse(output.Length == 0 ? "{}" : output);
        return [.. json.RootElement.EnumerateObject().Select(p => new RawOsd(
            p.Value.GetProperty("osd_id").GetInt32(),
            Guid.Parse(p.Value.GetProperty("osd_uuid").GetString() ?? ""),
            Guid.Parse(p.Value.GetProperty("ceph_fsid").GetString() ?? ""),
            p.Value.GetProperty("device").GetString() ?? device))];
    }

    private static string Checked(string device) =>
        OsdDevice.IsDevicePath(device) ? device : throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidOsdDevice,
            $"'{device}' is not a device path under /dev (a detect: string is resolved to one before any tool runs).") { Target = device };

    private async Task<string> CephVolumeAsync(IReadOnlyList<string> args, string operation, string device, CancellationToken cancellationToken)
    {
        var (code, output, error) = await _tools.RunAsync("/usr/sbin/ceph-volume", ["--cluster", _clusterName, .. args], cancellationToken);
        if (code != 0)
        {
            // ceph-volume prints its steps on stderr and its reason last ("-->  RuntimeError: ...")
            var reason = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
            throw CephErrors.ToolFailed(operation, device, code, reason);
        }
        return output;
    }
}
