using Pvc.Core.Errors;

namespace Pvc.Core.Vms;

/// <summary>
/// The rules for a VM name: PVC uses it in file names (<c>/var/log/libvirt/&lt;name&gt;.log</c>) and
/// libvirt in paths, so it must be a plain, printable name.
/// </summary>
public static class VmName
{
    /// <summary>Throws <see cref="PvcException"/> (InvalidArgument) naming the fault when the name is not usable.</summary>
    public static void Validate(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidVmName, "The VM has no name; give it a <name> element with a name.") { Target = name };
        if (name != name.Trim())
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidVmName, $"The VM name '{name}' starts or ends with white space; remove it.") { Target = name };
        if (name.Length > 200)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidVmName, $"The VM name '{name[..40]}...' is {name.Length} characters long; use at most 200.") { Target = name };
        foreach (var c in name)
        {
            if (c is '/' or '\\')
                throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidVmName, $"The VM name '{name}' contains a path separator '{c}'; VM names are used in file names.") { Target = name };
            if (char.IsControl(c))
                throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidVmName, $"The VM name '{Printable(name)}' contains a control character (U+{(int)c:X4}).") { Target = Printable(name) };
        }
        if (name is "." or "..")
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidVmName, $"'{name}' is not a usable VM name.") { Target = name };
    }

    private static string Printable(string s) => string.Concat(s.Select(c => char.IsControl(c) ? '?' : c));
}
