using System.Text.RegularExpressions;
using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>
/// The rule for a volume snapshot's name in Pvc: the last part of an RBD spec (<c>pool/volume@snapshot</c>) and a znode
/// under <c>/ceph/snapshots/&lt;pool&gt;/&lt;volume&gt;</c>. PVC's own VM snapshot names (<c>YYYYMMDDHHMMSS</c>, lower-case
/// letters, digits, '.', '-', '_') follow it.
/// </summary>
public static partial class SnapshotName
{
    /// <summary>What a snapshot name may be, for messages.</summary>
    public const string Rule = "1 to 95 letters, digits, '-', '_' or '.', beginning with a letter or digit";

    /// <summary>True when the name follows the rule.</summary>
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>Throws "InvalidSnapshotName" when the name does not follow the rule.</summary>
    /// <exception cref="PvcArgumentException">"InvalidSnapshotName".</exception>
    public static void Validate(string? name)
    {
        if (!IsValid(name))
            throw new PvcArgumentException("InvalidSnapshotName", $"'{StorageNameText.Printable(name)}' is not a snapshot name: a snapshot name is {Rule}.") { Target = name };
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,94}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
