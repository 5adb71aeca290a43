using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>
/// The rule for a Ceph pool's name in Pvc. A pool name is a znode under <c>/ceph/pools</c> and <c>/ceph/volumes</c>, the
/// first part of an RBD spec (<c>pool/volume@snapshot</c>) and an argument of ceph's and rbd's commands: a '/' or '@'
/// would address something else, a leading '-' would be read as an option.
/// </summary>
public static class PoolName
{
    private static readonly StorageNameRule Names = new("pool", 63, "InvalidPoolName");

    /// <summary>What a pool name may be, for messages.</summary>
    public static string Rule => Names.Text;

    /// <summary>True when the name follows the rule.</summary>
    public static bool IsValid(string? name) => Names.IsValid(name);

    /// <summary>Throws "InvalidPoolName" when the name does not follow the rule.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidPoolName".</exception>
    public static void Validate(string? name) => Names.Validate(name);
}
