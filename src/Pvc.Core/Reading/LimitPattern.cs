using System.Text.RegularExpressions;

namespace Pvc.Core.Reading;

/// <summary>
/// PVC's LIMIT filter of its list commands: a regular expression matched against the whole name,
/// implicitly fuzzy (".*" is added at an end that has no ^ or $ anchor), or an exact UUID.
/// </summary>
public sealed class LimitPattern
{
    private readonly Regex _regex;
    private readonly Guid? _uuid;

    /// <summary>Parses a limit; a malformed expression is a <see cref="Errors.PvcArgumentException"/>.</summary>
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
            _regex = new Regex($"^(?:{pattern.TrimStart('^').TrimEnd('$')})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new Errors.PvcArgumentException("InvalidLimit", $"The filter '{limit}' is not a valid regular expression: {e.Message}") { Target = limit };
        }
    }

    /// <summary>The limit as given.</summary>
    public string Text { get; }

    /// <summary>True when the name (or, for a UUID limit, the UUID) matches.</summary>
    public bool IsMatch(string name, Guid? uuid = null) => (_uuid is Guid u && uuid == u) || _regex.IsMatch(name);
}
