using System.Text.RegularExpressions;
using Pvc.Core.Errors;

namespace Pvc.Core.Reading;

/// <summary>
/// PVC's LIMIT filter of its list commands: a regular expression that must match the whole name, made
/// fuzzy by adding ".*" at each end that has no ^ or $ anchor ("web" finds "myweb1"; "^web$" only "web").
/// For VMs, a limit that is a UUID also matches the VM with that UUID.
/// </summary>
public sealed class LimitPattern
{
    private readonly Regex? _regex;
    private readonly Guid? _uuid;

    /// <summary>Parses a limit; a malformed expression is a <see cref="PvcException"/> (InvalidArgument) "InvalidLimit".</summary>
    public LimitPattern(string limit)
    {
        ArgumentNullException.ThrowIfNull(limit);
        Text = limit;
        if (Guid.TryParse(limit, out var uuid))
            _uuid = uuid;
        var pattern = limit;
        if (!pattern.StartsWith('^'))
            pattern = ".*" + pattern;
        if (!pattern.EndsWith('$'))
            pattern += ".*";
        try
        {
            _regex = new Regex($@"\A(?:{pattern})\z", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidLimit, $"The filter '{limit}' is not a valid regular expression: {e.Message}") { Target = limit };
        }
    }

    private LimitPattern()
    {
        Text = "";
    }

    /// <summary>No filter: everything matches.</summary>
    public static LimitPattern All { get; } = new();

    /// <summary>The filter of a limit; null or "" is <see cref="All"/>.</summary>
    public static LimitPattern Of(string? limit) => string.IsNullOrEmpty(limit) ? All : new LimitPattern(limit);

    /// <summary>A shell wildcard (<c>*</c>, <c>?</c>, <c>[abc]</c>) matched against the whole name, case-insensitively.</summary>
    public static LimitPattern FromWildcard(string wildcard)
    {
        var regex = new System.Text.StringBuilder(@"\A");
        foreach (var ch in wildcard)
            regex.Append(ch switch
            {
                '*' => ".*",
                '?' => ".",
                '[' or ']' => ch.ToString(),
                _ => Regex.Escape(ch.ToString()),
            });
        try
        {
            return new LimitPattern(wildcard, new Regex(regex.Append(@"\z").ToString(), RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1)));
        }
        catch (ArgumentException e)
        {
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidLimit, $"The wildcard '{wildcard}' is not valid: {e.Message}") { Target = wildcard };
        }
    }

    private LimitPattern(string text, Regex regex)
    {
        Text = text;
        _regex = regex;
    }

    /// <summary>The limit as given.</summary>
    public string Text { get; }

    /// <summary>True when the name matches.</summary>
    public bool IsMatch(string name) => _regex?.IsMatch(name) ?? true;

    /// <summary>True when the name, or the UUID for a UUID limit, matches.</summary>
    public bool IsMatch(string name, Guid uuid) => (_uuid is Guid u && uuid == u) || IsMatch(name);
}
