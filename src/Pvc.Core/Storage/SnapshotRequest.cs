using System.Text.Json.Nodes;
using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>
/// What a snapshot task asks (snapshot.add, .rename, .remove, .rollback): checked when made, carried as the task's
/// arguments, and checked again by <see cref="FromArguments"/> on the node that runs it.
/// </summary>
public sealed record SnapshotRequest
{
    /// <summary>A request for <paramref name="pool"/>/<paramref name="volume"/>@<paramref name="name"/>.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidPoolName", "InvalidVolumeName", "InvalidSnapshotName".</exception>
    public SnapshotRequest(string pool, string volume, string name, string? newName = null)
    {
        PoolName.Validate(pool);
        VolumeName.Validate(volume);
        SnapshotName.Validate(name);
        if (newName is not null)
            SnapshotName.Validate(newName);
        Pool = pool;
        Volume = volume;
        Name = name;
        NewName = newName;
    }

    /// <summary>The pool.</summary>
    public string Pool { get; }

    /// <summary>The volume.</summary>
    public string Volume { get; }

    /// <summary>The snapshot.</summary>
    public string Name { get; }

    /// <summary>The new name (snapshot.rename).</summary>
    public string? NewName { get; }

    /// <summary>"pool/volume@name".</summary>
    public override string ToString() => $"{Pool}/{Volume}@{Name}";

    /// <summary>The task's arguments.</summary>
    public JsonObject ToArguments()
    {
        var args = new JsonObject { ["pool"] = Pool, ["volume"] = Volume, ["snapshot"] = Name };
        if (NewName is not null)
            args["new_name"] = NewName;
        return args;
    }

    /// <summary>The request a task's arguments carry, checked as when it was made.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidTaskArguments", "InvalidPoolName", "InvalidVolumeName", "InvalidSnapshotName".</exception>
    public static SnapshotRequest FromArguments(JsonObject args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return new SnapshotRequest(StorageArguments.Text(args, "pool"), StorageArguments.Text(args, "volume"), StorageArguments.Text(args, "snapshot"),
            StorageArguments.OptionalText(args, "new_name"));
    }
}
