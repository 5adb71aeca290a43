using System.Text.Json.Nodes;
using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>
/// What a volume task asks (volume.add, .remove, .resize, .rename, .clone): checked when made, carried as the task's
/// arguments, and checked again by <see cref="FromArguments"/> on the node that runs it.
/// </summary>
public sealed record VolumeRequest
{
    /// <summary>A request for <paramref name="pool"/>/<paramref name="name"/>.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidPoolName", "InvalidVolumeName", "InvalidVolumeSize".</exception>
    public VolumeRequest(string pool, string name, long? sizeBytes = null, string? newName = null, bool force = false)
    {
        PoolName.Validate(pool);
        VolumeName.Validate(name);
        if (newName is not null)
            VolumeName.Validate(newName);
        if (sizeBytes is <= 0)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidVolumeSize, $"A volume's size must be a positive number of bytes; {sizeBytes} is not.") { Target = sizeBytes };
        Pool = pool;
        Name = name;
        SizeBytes = sizeBytes;
        NewName = newName;
        Force = force;
    }

    /// <summary>The pool.</summary>
    public string Pool { get; }

    /// <summary>The volume.</summary>
    public string Name { get; }

    /// <summary>The size (volume.add) or new size (volume.resize), bytes.</summary>
    public long? SizeBytes { get; }

    /// <summary>The new name (volume.rename) or the copy's name (volume.clone).</summary>
    public string? NewName { get; }

    /// <summary>Past the pool's 80 % mark (PVC's --force).</summary>
    public bool Force { get; }

    /// <summary>"pool/name".</summary>
    public override string ToString() => $"{Pool}/{Name}";

    /// <summary>The task's arguments.</summary>
    public JsonObject ToArguments()
    {
        var args = new JsonObject { ["pool"] = Pool, ["volume"] = Name };
        if (SizeBytes is { } size)
            args["size"] = size;
        if (NewName is not null)
            args["new_name"] = NewName;
        if (Force)
            args["force"] = true;
        return args;
    }

    /// <summary>The request a task's arguments carry, checked as when it was made.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidTaskArguments", "InvalidPoolName", "InvalidVolumeName", "InvalidVolumeSize".</exception>
    public static VolumeRequest FromArguments(JsonObject args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return new VolumeRequest(StorageArguments.Text(args, "pool"), StorageArguments.Text(args, "volume"), StorageArguments.OptionalLong(args, "size"),
            StorageArguments.OptionalText(args, "new_name"), StorageArguments.Bool(args, "force"));
    }
}
