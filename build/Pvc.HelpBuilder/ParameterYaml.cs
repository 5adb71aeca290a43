using System.Globalization;

namespace Pvc.HelpBuilder;

/// <summary>Reads a parameter's yaml block (platyPS's flat <c>Key: value</c> lines) into a <see cref="ParameterUsage"/>.</summary>
internal static class ParameterYaml
{
    /// <summary>The keys every block must have, in platyPS's order.</summary>
    public static readonly string[] RequiredKeys =
        ["Type", "Parameter Sets", "Aliases", "Required", "Position", "Default value", "Accept pipeline input", "Accept wildcard characters"];

    private static readonly string[] OptionalKeys = ["Accepted values", "Applicable"];

    /// <summary>Parses a block; <paramref name="fail"/> builds the exception for a problem.</summary>
    public static ParameterUsage Parse(string yaml, Func<string, Exception> fail)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in yaml.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
                throw fail($"the yaml line '{line}' is not 'Key: value'");
            var key = line[..colon].Trim();
            if (!RequiredKeys.Contains(key, StringComparer.OrdinalIgnoreCase) && !OptionalKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
                throw fail($"the yaml key '{key}' is not one of platyPS's ({string.Join(", ", RequiredKeys.Concat(OptionalKeys))})");
            if (!values.TryAdd(key, line[(colon + 1)..].Trim()))
                throw fail($"the yaml key '{key}' appears twice");
        }
        foreach (var key in RequiredKeys)
            if (!values.TryGetValue(key, out var value) || value.Length == 0)
                throw fail($"the yaml block lacks '{key}'");

        var position = values["Position"];
        if (!position.Equals("Named", StringComparison.OrdinalIgnoreCase) && !int.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            throw fail($"Position is '{position}'; it must be a number or Named");
        var sets = values["Parameter Sets"];
        return new ParameterUsage(
            Type: values["Type"],
            ParameterSets: sets.Equals("(All)", StringComparison.OrdinalIgnoreCase) ? [] : List(sets),
            Aliases: values["Aliases"].Equals("None", StringComparison.OrdinalIgnoreCase) ? [] : List(values["Aliases"]),
            Required: Bool(values, "Required", fail),
            Position: position.Equals("Named", StringComparison.OrdinalIgnoreCase) ? "Named" : position,
            DefaultValue: values["Default value"],
            PipelineInput: values["Accept pipeline input"],
            AcceptsWildcards: Bool(values, "Accept wildcard characters", fail),
            AcceptedValues: values.TryGetValue("Accepted values", out var accepted) && accepted.Length > 0 ? List(accepted) : []);
    }

    private static string[] List(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static bool Bool(Dictionary<string, string> values, string key, Func<string, Exception> fail) =>
        bool.TryParse(values[key], out var b) ? b : throw fail($"{key} is '{values[key]}'; it must be True or False");
}
