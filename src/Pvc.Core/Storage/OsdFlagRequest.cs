using System.Text.Json.Nodes;
using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>What osd.set and osd.unset ask: the cluster-wide flag.</summary>
/// <param name="Flag">The flag.</param>
public sealed record OsdFlagRequest(OsdFlag Flag)
{
    /// <summary>The task's arguments (Ceph's name of the flag, as PVC's CLI passes it).</summary>
    public JsonObject ToArguments() => new() { ["flag"] = OsdFlagNames.ToCeph(Flag) };

    /// <summary>The request a task's arguments carry.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidTaskArguments", "InvalidOsdFlag".</exception>
    public static OsdFlagRequest FromArguments(JsonObject args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return new OsdFlagRequest(OsdFlagNames.Parse(StorageArguments.Text(args, "flag")));
    }
}
