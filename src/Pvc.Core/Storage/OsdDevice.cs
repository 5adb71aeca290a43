using System.Globalization;
using System.Text.RegularExpressions;
using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>
/// The block device an OSD is made on, as PVC takes it: a path under <c>/dev</c> (<c>/dev/sdb</c>,
/// <c>/dev/disk/by-id/...</c>), or <c>detect:&lt;name&gt;:&lt;size&gt;:&lt;index&gt;</c>, which the OSD's node resolves
/// from its disks (the <paramref name="Index"/>th disk whose model contains <paramref name="DetectName"/> and whose size
/// is within 3 % of <paramref name="DetectSize"/>). Checked here once, so what reaches ceph-volume's argv is a device
/// path, never an option or a path outside <c>/dev</c>.
/// </summary>
/// <param name="Text">The string as given (what PVC stores in <c>/ceph/osds/&lt;id&gt;/device</c>).</param>
/// <param name="DetectName">For a detect string: the model text to match; else null.</param>
/// <param name="DetectSize">For a detect string: the size text (<c>480GB</c>); else null.</param>
/// <param name="Index">For a detect string: which of the matching disks, from 0.</param>
public sealed partial record OsdDevice(string Text, string? DetectName, string? DetectSize, int Index)
{
    /// <summary>What a device may be, for messages.</summary>
    public const string Rule = "a path under /dev (letters, digits, '/', '-', '_', '.', ':', '+'; no '..') or detect:<name>:<size>:<index>";

    /// <summary>True for a <c>detect:</c> string, which the node resolves to a path.</summary>
    public bool IsDetect => DetectName is not null;

    /// <summary>Parses and checks a device string.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidOsdDevice".</exception>
    public static OsdDevice Parse(string? text)
    {
        if (text is not null && text.StartsWith("detect:", StringComparison.Ordinal))
        {
            var m = Detect().Match(text);
            if (m.Success)
                return new OsdDevice(text, m.Groups[1].Value, m.Groups[2].Value, int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
        }
        else if (IsDevicePath(text))
        {
            return new OsdDevice(text!, null, null, 0);
        }
        throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidOsdDevice,
            $"'{Printable(text)}' is not an OSD device: a device is {Rule}.") { Target = text };
    }

    /// <summary>
    /// True for a path under <c>/dev</c> that Pvc passes to a tool: no '..', no empty segment, no option, and not in one
    /// of the directories under /dev that any local user may write (<c>/dev/shm</c>, <c>/dev/mqueue</c>: a link planted
    /// there could point a zap anywhere; rev14 P3-12).
    /// </summary>
    public static bool IsDevicePath(string? path) =>
        path is not null && DevicePath().IsMatch(path) && !path.Contains("..", StringComparison.Ordinal) && !path.Contains("//", StringComparison.Ordinal)
        && !WritableByAnyone.Any(d => path.StartsWith(d, StringComparison.Ordinal));

    private static readonly string[] WritableByAnyone = ["/dev/shm/", "/dev/mqueue/"];

    /// <inheritdoc />
    public override string ToString() => Text;

    private static string Printable(string? s) => string.Concat((s ?? "").Take(120).Select(c => char.IsControl(c) ? '?' : c));

    [GeneratedRegex(@"^/dev/[A-Za-z0-9][A-Za-z0-9/_.:+-]{0,200}$")]
    private static partial Regex DevicePath();

    // PVC's detect string: a model text (no ':'), a size with an optional unit, an index
    [GeneratedRegex(@"^detect:([A-Za-z0-9 _.+-]{1,64}):([0-9]+(?:\.[0-9]+)?[A-Za-z]{0,3}):([0-9]{1,3})$")]
    private static partial Regex Detect();
}
