using System.Globalization;
using System.Text.Json.Nodes;
using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>
/// What osd.replace asks of the OSD's node (PVC's <c>storage osd replace OSDID NEW_DEVICE [--old-device] [--weight]</c>):
/// the OSD destroyed, keeping its id, and made again on the new device. Checked when made, carried as the task's
/// arguments, checked again on the node.
/// </summary>
public sealed record OsdReplaceRequest
{
    /// <summary>A request to move OSD <paramref name="id"/> onto <paramref name="newDevice"/>.</summary>
    /// <param name="id">The OSD's id.</param>
    /// <param name="newDevice">The device it is made on again (a path under /dev or PVC's detect string).</param>
    /// <param name="oldDevice">The device it is on now, when its record no longer names it (PVC's --old-device); null: the record's.</param>
    /// <param name="weight">The crush weight on the new device; null keeps the OSD's present weight (PVC's default).</param>
    /// <exception cref="PvcException">InvalidArgument: "InvalidOsdDevice", "InvalidOsdWeight", "InvalidTaskArguments" (a negative id).</exception>
    public OsdReplaceRequest(int id, string newDevice, string? oldDevice = null, double? weight = null)
    {
        if (id < 0)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTaskArguments, $"{id} is not an OSD id.") { Target = id };
        Id = id;
        NewDevice = OsdDevice.Parse(newDevice);
        OldDevice = oldDevice is null ? null : OsdDevice.Parse(oldDevice);
        if (OldDevice is not null && !OsdDevice.IsDevicePath(OldDevice.Text))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidOsdDevice,
                $"The old device '{OldDevice.Text}' is a detect: string; the old device is given as a path under /dev.") { Target = oldDevice };
        if (weight is { } w && (!double.IsFinite(w) || w < 0 || w > 1000))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidOsdWeight,
                $"An OSD's crush weight is a number from 0 to 1000 (by convention its size in TiB); {w.ToString(CultureInfo.InvariantCulture)} is not.") { Target = w };
        Weight = weight;
    }

    /// <summary>The OSD's id.</summary>
    public int Id { get; }

    /// <summary>The device the OSD is made on again.</summary>
    public OsdDevice NewDevice { get; }

    /// <summary>The device it is on now, when given; null: the device its record names (or the one whose label names it).</summary>
    public OsdDevice? OldDevice { get; }

    /// <summary>The crush weight on the new device; null keeps the present one.</summary>
    public double? Weight { get; }

    /// <summary>The task's arguments (PVC's API names: new_device, old_device, weight).</summary>
    public JsonObject ToArguments()
    {
        var args = new JsonObject { ["osd_id"] = (long)Id, ["new_device"] = NewDevice.Text };
        if (OldDevice is not null)
            args["old_device"] = OldDevice.Text;
        if (Weight is { } w)
            args["weight"] = w;
        return args;
    }

    /// <summary>The request a task's arguments carry, checked as when it was made.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidTaskArguments", "InvalidOsdDevice", "InvalidOsdWeight".</exception>
    public static OsdReplaceRequest FromArguments(JsonObject args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var id = StorageArguments.Long(args, "osd_id");
        if (id is < 0 or > int.MaxValue)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTaskArguments, $"The task's argument 'osd_id' is {id}, not an OSD id.") { Target = id };
        double? weight = args["weight"] is null ? null : args["weight"] is JsonValue v && v.TryGetValue<double>(out var w) ? w : double.NaN;
        return new OsdReplaceRequest((int)id, StorageArguments.Text(args, "new_device"), StorageArguments.OptionalText(args, "old_device"), weight);
    }
}
