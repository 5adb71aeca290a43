using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>
/// The rule for a volume snapshot's name in Pvc: the last part of an RBD spec (<c>pool/volume@snapshot</c>) and a znode
/// under <c>/ceph/snapshots/&lt;pool&gt;/&lt;volume&gt;</c>. PVC's own VM snapshot names (<c>YYYYMMDDHHMMSS</c>, lower-case
/// letters, digits, '.', '-', '_') follow it.
/// </summary>
public static class SnapshotName
{
    private static readonly StorageNameRule Names = new("snapshot", 95, "InvalidSnapshotName");

    /// <summary>What a snapshot name may be, for messages.</summary>
    public static string Rule => Names.Text;

    /// <summary>True when the name follows the rule.</summary>
    public static bool IsValid(string? name) => Names.IsValid(name);

    /// <summary>Throws "InvalidSnapshotName" when the name does not follow the rule.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidSnapshotName".</exception>
    public static void Validate(string? name) => Names.Validate(name);
}
