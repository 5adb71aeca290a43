using System.Text.Json.Nodes;
using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>What osd.remove, osd.in and osd.out ask: the OSD, and for a removal whether to force it (PVC's --force).</summary>
/// <param name="Id">The OSD's id.</param>
/// <param name="Force">Remove even when its data has nowhere to go, going on through failed steps.</param>
public sealed record OsdIdRequest(int Id, bool Force = false)
{
    /// <summary>The task's arguments.</summary>
    public JsonObject ToArguments()
    {
        // a long, as the arguments read back from ZooKeeper carry it
        var args = new JsonObject { ["osd_id"] = (long)Id };
        if (Force)
            args["force"] = true;
        return args;
    }

    /// <summary>The request a task's arguments carry.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidTaskArguments".</exception>
    public static OsdIdRequest FromArguments(JsonObject args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var id = StorageArguments.Long(args, "osd_id");
        if (id is < 0 or > int.MaxValue)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTaskArguments, $"The task's argument 'osd_id' is {id}, not an OSD id.") { Target = id };
        return new OsdIdRequest((int)id, StorageArguments.Bool(args, "force"));
    }
}
