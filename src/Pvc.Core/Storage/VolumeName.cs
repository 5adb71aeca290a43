using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>
/// The rule for an RBD volume's name in Pvc. Ceph keeps image names below 96 bytes (RBD_MAX_IMAGE_NAME_SIZE, with its
/// terminating zero); the name is a znode under <c>/ceph/volumes/&lt;pool&gt;</c> and part of an RBD spec, so no '/' or
/// '@'; PVC names a VM's volumes <c>&lt;vm&gt;_&lt;disk&gt;</c>.
/// </summary>
public static class VolumeName
{
    private static readonly StorageNameRule Names = new("volume", 95, "InvalidVolumeName");

    /// <summary>What a volume name may be, for messages.</summary>
    public static string Rule => Names.Text;

    /// <summary>True when the name follows the rule.</summary>
    public static bool IsValid(string? name) => Names.IsValid(name);

    /// <summary>Throws "InvalidVolumeName" when the name does not follow the rule.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidVolumeName".</exception>
    public static void Validate(string? name) => Names.Validate(name);
}
