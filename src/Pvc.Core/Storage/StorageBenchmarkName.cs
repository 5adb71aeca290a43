using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>
/// The rule of a storage benchmark's job name: 1 to 100 ASCII letters, digits, '-', '_', '.' or ':', beginning with a
/// letter or digit. PVC names a job <c>&lt;ISO time&gt;_&lt;primary&gt;</c> (<c>2026-12-02T15:30:00_hv1</c>), which fits.
/// </summary>
public static class StorageBenchmarkName
{
    /// <summary>The longest name.</summary>
    public const int MaxLength = 100;

    /// <summary>True when the name follows the rule.</summary>
    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength } && char.IsAsciiLetterOrDigit(name[0])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    /// <summary>Throws "InvalidBenchmarkName" when the name does not follow the rule.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidBenchmarkName".</exception>
    public static void Validate(string? name)
    {
        if (!IsValid(name))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidBenchmarkName,
                $"'{string.Concat((name ?? "").Take(120).Select(c => char.IsControl(c) ? '?' : c))}' is not a benchmark job name: 1 to {MaxLength} letters, digits, '-', '_', '.' or ':', beginning with a letter or digit.") { Target = name };
    }

    /// <summary>PVC's name of a job started at <paramref name="time"/> on the primary <paramref name="primary"/>: <c>&lt;time, to the second&gt;_&lt;primary&gt;</c>.</summary>
    public static string Of(DateTimeOffset time, string primary) =>
        time.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "_" + primary;
}
