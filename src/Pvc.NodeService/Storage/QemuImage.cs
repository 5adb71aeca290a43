using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CliWrap;
using CliWrap.Buffered;
using Pvc.Core.Errors;

namespace Pvc.NodeService.Storage;

/// <summary>
/// qemu-img (Debian's qemu-utils) for a volume upload of a format other than raw, as PVC converts: <c>qemu-img info</c>
/// reads the image's virtual size and what else it refers to, <c>qemu-img convert -O raw</c> makes the raw bytes. The
/// format is always given (<c>-f</c>: no probing), and qemu-img opens the image the upload opened once, by its
/// descriptor's /proc path (<see cref="ImageFile.DescriptorPath"/>: no ':', so no protocol or json: filename), never the
/// path the client gave, passed as one argument with no shell.
/// </summary>
internal static partial class QemuImage
{
    /// <summary>Where Debian's qemu-utils puts it.</summary>
    public const string Command = "/usr/bin/qemu-img";

    /// <summary>
    /// The image's virtual size. An image that refers to any file but itself (a backing file, an external data file,
    /// vmdk extents in other files) is refused: converting it would read those files, whatever they are, into the
    /// volume (a node's /etc/shadow as a "backing file").
    /// </summary>
    /// <exception cref="PvcException">InvalidOperation: "ImageHasBackingFile"; InvalidData: "ImageUnreadable".</exception>
    public static async Task<long> VirtualSizeAsync(ImageFile image, string format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        var path = image.Path;
        var result = await Cli.Wrap(Command).WithArguments(["info", "--output=json", "-f", format, image.DescriptorPath])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
        if (result.ExitCode != 0)
            throw Unreadable(path, format, image.Named(result.StandardError.Trim()));
        JsonNode? info;
        try
        {
            info = JsonNode.Parse(result.StandardOutput);
        }
        catch (JsonException e)
        {
            throw Unreadable(path, format, e.Message);
        }
        if (FirstReference(info, image.DescriptorPath) is { } other)
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.ImageHasBackingFile,
                $"Image '{path}' refers to another file ({other}); it is not uploaded, as its conversion would read that file into the volume. Flatten it first where it was made (qemu-img convert -O {format} without a backing file).") { Target = path };
        return info?["virtual-size"] is JsonValue v && v.TryGetValue<long>(out var size) && size > 0
            ? size
            : throw Unreadable(path, format, "qemu-img reports no virtual size");
    }

    /// <summary>
    /// The first file besides <paramref name="path"/> that the image info names: a backing file (qcow2, qed, vmdk's
    /// parent), an external data file (qcow2's data-file), or an extent (vmdk). Null when there is none.
    /// </summary>
    internal static string? FirstReference(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (key is "backing-filename" or "full-backing-filename" or "backing-image" or "data-file")
                        return $"{key} {value?.ToJsonString()}";
                    if (key == "filename" && value is JsonValue f && f.TryGetValue<string>(out var name) && name != path)
                        return $"filename {name}";
                    if (FirstReference(value, path) is { } found)
                        return found;
                }
                return null;
            case JsonArray a:
                return a.Select(e => FirstReference(e, path)).FirstOrDefault(r => r is not null);
            default:
                return null;
        }
    }

    /// <summary>
    /// <c>qemu-img convert -p -f FORMAT -O raw /proc/PID/fd/N OUTPUT</c>: the raw bytes in <paramref name="output"/> (sparse).
    /// <paramref name="percent"/> gets qemu-img's progress, 0 to 100.
    /// </summary>
    /// <exception cref="PvcException">InvalidData: "ImageUnreadable".</exception>
    public static async Task ConvertAsync(ImageFile image, string format, string output, Func<int, Task> percent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        var last = -1;
        var result = await Cli.Wrap(Command).WithArguments(["convert", "-p", "-f", format, "-O", "raw", image.DescriptorPath, output])
            .WithStandardOutputPipe(PipeTarget.ToDelegate(async line =>
            {
                // "    (12.50/100%)" lines, ended by '\r'
                if (Progress().Match(line) is { Success: true } m
                    && (int)double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) is var p && p != last)
                {
                    last = p;
                    await percent(p);
                }
            }))
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(cancellationToken);
        if (result.ExitCode != 0)
            throw Unreadable(image.Path, format, image.Named(result.StandardError.Trim()));
    }

    private static PvcException Unreadable(string path, string format, string why) =>
        new(PvcErrorKind.InvalidData, PvcErrorIds.ImageUnreadable, $"Image '{path}' cannot be read as {format}: {why}") { Target = path };

    [GeneratedRegex(@"\((\d+(?:\.\d+)?)/100%\)")]
    private static partial Regex Progress();
}
