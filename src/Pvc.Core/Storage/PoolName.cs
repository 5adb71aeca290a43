using System.Text.RegularExpressions;
using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>
/// The rule for a Ceph pool's name in Pvc. A pool name is a znode under <c>/ceph/pools</c> and <c>/ceph/volumes</c>, the
/// first part of an RBD spec (<c>pool/volume@snapshot</c>) and an argument of ceph's and rbd's commands: a '/' or '@'
/// would address something else, a leading '-' would be read as an option.
/// </summary>
public static partial class PoolName
{
    /// <summary>What a pool name may be, for messages.</summary>
    public const string Rule = "1 to 63 letters, digits, '-', '_' or '.', beginning with a letter or digit";

    /// <summary>True when the name follows the rule.</summary>
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>Throws "InvalidPoolName" when the name does not follow the rule.</summary>
    /// <exception cref="PvcArgumentException">"InvalidPoolName".</exception>
    public static void Validate(string? name)
    {
        if (!IsValid(name))
            throw new PvcArgumentException("InvalidPoolName", $"'{StorageNameText.Printable(name)}' is not a pool name: a pool name is {Rule}.") { Target = name };
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
