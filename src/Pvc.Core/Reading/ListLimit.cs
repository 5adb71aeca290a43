using System.Text.RegularExpressions;
using Pvc.Core.Errors;

namespace Pvc.Core.Reading;

/// <summary>
/// PVC's LIMIT filter of its list functions: a regular expression that must match a whole name, made
/// fuzzy by adding ".*" at each end that has no ^ or $ anchor ("web" finds "myweb1"; "^web$" only "web").
/// </summary>
internal sealed class ListLimit
{
    private readonly Regex? _regex;

    private ListLimit(Regex? regex) => _regex = regex;

    /// <summary>No filter: everything matches.</summary>
    public static ListLimit All { get; } = new(null);

    /// <summary>The filter of a limit; null or "" is no filter. A malformed expression is a <see cref="PvcArgumentException"/> "InvalidLimit".</summary>
    public static ListLimit Of(string? limit)
    {
        if (string.IsNullOrEmpty(limit))
            return All;
        var pattern = limit;
        if (!pattern.StartsWith('^'))
            pattern = ".*" + pattern;
        if (!pattern.EndsWith('$'))
            pattern += ".*";
        try
        {
            return new ListLimit(new Regex($@"\A(?:{pattern})\z", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
        }
        catch (ArgumentException e)
        {
            throw new PvcArgumentException("InvalidLimit", $"The filter '{limit}' is not a valid regular expression: {e.Message}") { Target = limit };
        }
    }

    /// <summary>True when the name matches.</summary>
    public bool IsMatch(string name) => _regex?.IsMatch(name) ?? true;
}
