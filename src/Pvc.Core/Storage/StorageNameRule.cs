using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>
/// The rule pool, volume and snapshot names share: ASCII letters, digits, '-', '_' and '.', beginning with a letter or
/// digit, up to a length. So a name is never read as an option ('-'), never splits an RBD spec ('/', '@'), never leaves
/// its znode, and a message can quote it on one line.
/// </summary>
internal sealed class StorageNameRule(string noun, int maxLength, string errorId)
{
    public string Text { get; } = $"1 to {maxLength} letters, digits, '-', '_' or '.', beginning with a letter or digit";

    public bool IsValid(string? name) =>
        name is { Length: > 0 } && name.Length <= maxLength && char.IsAsciiLetterOrDigit(name[0])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <exception cref="PvcException">InvalidArgument: The name does not follow the rule.</exception>
    public void Validate(string? name)
    {
        if (!IsValid(name))
            throw new PvcException(PvcErrorKind.InvalidArgument, errorId, $"'{Printable(name)}' is not a {noun} name: a {noun} name is {Text}.") { Target = name };
    }

    private static string Printable(string? s) => string.Concat((s ?? "").Take(120).Select(c => char.IsControl(c) ? '?' : c));
}
