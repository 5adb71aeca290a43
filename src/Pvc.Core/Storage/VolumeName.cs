using System.Text.RegularExpressions;
using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>
/// The rule for an RBD volume's name in Pvc. Ceph keeps image names below 96 bytes (RBD_MAX_IMAGE_NAME_SIZE, with its
/// terminating zero); the name is a znode under <c>/ceph/volumes/&lt;pool&gt;</c> and part of an RBD spec, so no '/' or
/// '@'; PVC names a VM's volumes <c>&lt;vm&gt;_&lt;disk&gt;</c>.
/// </summary>
public static partial class VolumeName
{
    /// <summary>What a volume name may be, for messages.</summary>
    public const string Rule = "1 to 95 letters, digits, '-', '_' or '.', beginning with a letter or digit";

    /// <summary>True when the name follows the rule.</summary>
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>Throws "InvalidVolumeName" when the name does not follow the rule.</summary>
    /// <exception cref="PvcArgumentException">"InvalidVolumeName".</exception>
    public static void Validate(string? name)
    {
        if (!IsValid(name))
            throw new PvcArgumentException("InvalidVolumeName", $"'{StorageNameText.Printable(name)}' is not a volume name: a volume name is {Rule}.") { Target = name };
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,94}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
