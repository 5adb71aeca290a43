using System.Text.Json.Nodes;
using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>
/// What osd.refresh asks of the OSD's node (PVC's <c>storage osd refresh OSDID DEVICE</c>): find the OSD on the device,
/// activate it again and record it. Checked when made, carried as the task's arguments, checked again on the node.
/// </summary>
public sealed record OsdRefreshRequest
{
    /// <summary>A request to refresh OSD <paramref name="id"/> from <paramref name="device"/>.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidOsdDevice", "InvalidTaskArguments" (a negative id).</exception>
    public OsdRefreshRequest(int id, string device)
    {
        if (id < 0)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTaskArguments, $"{id} is not an OSD id.") { Target = id };
        Id = id;
        Device = OsdDevice.Parse(device);
    }

    /// <summary>The OSD's id.</summary>
    public int Id { get; }

    /// <summary>The device that holds it (a path, or PVC's detect string).</summary>
    public OsdDevice Device { get; }

    /// <summary>The task's arguments.</summary>
    public JsonObject ToArguments() => new() { ["osd_id"] = (long)Id, ["device"] = Device.Text };

    /// <summary>The request a task's arguments carry, checked as when it was made.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidTaskArguments", "InvalidOsdDevice".</exception>
    public static OsdRefreshRequest FromArguments(JsonObject args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var id = StorageArguments.Long(args, "osd_id");
        if (id is < 0 or > int.MaxValue)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTaskArguments, $"The task's argument 'osd_id' is {id}, not an OSD id.") { Target = id };
        return new OsdRefreshRequest((int)id, StorageArguments.Text(args, "device"));
    }
}
