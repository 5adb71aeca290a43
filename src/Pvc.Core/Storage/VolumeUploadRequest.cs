using System.Text.Json.Nodes;
using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>
/// What a volume.upload task asks (PVC's <c>storage volume upload</c>): an image file, by its path on the node that runs
/// the task, written into a volume (made first when the pool has none of that name). Checked when made, carried as the
/// task's arguments, and checked again by <see cref="FromArguments"/> on the node: the path reaches qemu-img's command
/// line, so it is an absolute path of plain characters only.
/// </summary>
public sealed record VolumeUploadRequest
{
    /// <summary>The formats PVC's upload takes (its <c>-f/--format</c>): qemu-img's names; vpc is VHD.</summary>
    public static readonly IReadOnlyList<string> Formats = ["raw", "qcow2", "vmdk", "qed", "vdi", "vpc"];

    private const int MaxPathLength = 4095;

    /// <summary>A request to write <paramref name="path"/> (of <paramref name="format"/>) into <paramref name="pool"/>/<paramref name="name"/>.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidPoolName", "InvalidVolumeName", "InvalidImagePath", "InvalidImageFormat".</exception>
    public VolumeUploadRequest(string pool, string name, string path, string format = "raw", bool force = false)
    {
        PoolName.Validate(pool);
        VolumeName.Validate(name);
        ValidatePath(path);
        if (format is null || !Formats.Contains(format, StringComparer.Ordinal))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidImageFormat,
                $"'{format}' is not an image format the upload takes; use one of {string.Join(", ", Formats)} (vpc is VHD).") { Target = format };
        Pool = pool;
        Name = name;
        Path = path;
        Format = format;
        Force = force;
    }

    /// <summary>The pool.</summary>
    public string Pool { get; }

    /// <summary>The volume.</summary>
    public string Name { get; }

    /// <summary>The image file's absolute path on the node that runs the task.</summary>
    public string Path { get; }

    /// <summary>The image's format (qemu-img's name).</summary>
    public string Format { get; }

    /// <summary>A volume made for the image may take the pool past 80 % (PVC's --force of volume add).</summary>
    public bool Force { get; }

    /// <summary>True for a raw image: its bytes go into the volume as they are.</summary>
    public bool IsRaw => Format == "raw";

    /// <summary>"pool/name".</summary>
    public override string ToString() => $"{Pool}/{Name}";

    /// <summary>The task's arguments.</summary>
    public JsonObject ToArguments()
    {
        var args = new JsonObject { ["pool"] = Pool, ["volume"] = Name, ["path"] = Path, ["format"] = Format };
        if (Force)
            args["force"] = true;
        return args;
    }

    /// <summary>The request a task's arguments carry, checked as when it was made.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidTaskArguments", and as the constructor.</exception>
    public static VolumeUploadRequest FromArguments(JsonObject args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return new VolumeUploadRequest(StorageArguments.Text(args, "pool"), StorageArguments.Text(args, "volume"), StorageArguments.Text(args, "path"),
            StorageArguments.Text(args, "format"), StorageArguments.Bool(args, "force"));
    }

    /// <summary>
    /// Throws "InvalidImagePath" unless <paramref name="path"/> is absolute, at most 4095 characters, of ASCII letters,
    /// digits, '/', '.', '_', '+' and '-' only, with no empty, "." or ".." part and no part starting with '-'.
    /// </summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidImagePath".</exception>
    public static void ValidatePath(string? path)
    {
        if (!IsValidPath(path))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidImagePath,
                $"'{path}' is not an image path the upload takes: an absolute path on the node (e.g. /srv/images/debian.qcow2) of letters, digits, '/', '.', '_', '+' and '-', with no '..' part and no part starting with '-'.") { Target = path };
    }

    private static bool IsValidPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path.Length > MaxPathLength || path[0] != '/' || path.EndsWith('/'))
            return false;
        foreach (var c in path)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '+' or '-'))
                return false;
        }
        return path[1..].Split('/').All(part => part.Length > 0 && part != "." && part != ".." && part[0] != '-');
    }
}
