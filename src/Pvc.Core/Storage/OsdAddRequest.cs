using System.Globalization;
using System.Text.Json.Nodes;
using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>
/// What osd.add asks of the OSD's node: the device (a path or PVC's detect string) and the crush weight. Checked when
/// made, carried as the task's arguments, checked again by <see cref="FromArguments"/> on the node.
/// </summary>
public sealed record OsdAddRequest
{
    /// <summary>PVC's default crush weight.</summary>
    public const double DefaultWeight = 1.0;

    /// <summary>A request for <paramref name="device"/>.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidOsdDevice", "InvalidOsdWeight".</exception>
    public OsdAddRequest(string device, double weight = DefaultWeight)
    {
        Device = OsdDevice.Parse(device);
        if (!double.IsFinite(weight) || weight < 0 || weight > 1000)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidOsdWeight,
                $"An OSD's crush weight is a number from 0 to 1000 (by convention its size in TiB); {weight.ToString(CultureInfo.InvariantCulture)} is not.") { Target = weight };
        Weight = weight;
    }

    /// <summary>The device.</summary>
    public OsdDevice Device { get; }

    /// <summary>The crush weight.</summary>
    public double Weight { get; }

    /// <summary>The task's arguments.</summary>
    public JsonObject ToArguments() => new() { ["device"] = Device.Text, ["weight"] = Weight };

    /// <summary>The request a task's arguments carry, checked as when it was made.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidTaskArguments", "InvalidOsdDevice", "InvalidOsdWeight".</exception>
    public static OsdAddRequest FromArguments(JsonObject args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var weight = args["weight"] is JsonValue v && v.TryGetValue<double>(out var w) ? w : args["weight"] is null ? DefaultWeight : double.NaN;
        return new OsdAddRequest(StorageArguments.Text(args, "device"), weight);
    }
}
