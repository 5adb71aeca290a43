using System.Text.Json.Nodes;

namespace Pvc.Core.Storage;

/// <summary>
/// What osd.add_db_vg asks of a node (PVC's <c>storage osd create-db-vg NODE DEVICE</c>): the volume group
/// <see cref="VolumeGroup"/> made on one partition spanning the device, for OSDs' external databases. Checked when
/// made, carried as the task's arguments, checked again on the node.
/// </summary>
public sealed record OsdDbVolumeGroupRequest
{
    /// <summary>The volume group's name, as PVC has it (its OSDs' DB volumes are <c>osd-db/osd-&lt;id&gt;</c>).</summary>
    public const string VolumeGroup = "osd-db";

    /// <summary>A request for <paramref name="device"/>.</summary>
    /// <exception cref="Errors.PvcException">InvalidArgument: "InvalidOsdDevice".</exception>
    public OsdDbVolumeGroupRequest(string device) => Device = OsdDevice.Parse(device);

    /// <summary>The device (a path under /dev, or PVC's detect string).</summary>
    public OsdDevice Device { get; }

    /// <summary>The task's arguments.</summary>
    public JsonObject ToArguments() => new() { ["device"] = Device.Text };

    /// <summary>The request a task's arguments carry, checked as when it was made.</summary>
    /// <exception cref="Errors.PvcException">InvalidArgument: "InvalidTaskArguments", "InvalidOsdDevice".</exception>
    public static OsdDbVolumeGroupRequest FromArguments(JsonObject args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return new OsdDbVolumeGroupRequest(StorageArguments.Text(args, "device"));
    }
}
