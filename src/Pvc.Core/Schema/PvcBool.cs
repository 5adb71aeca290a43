namespace Pvc.Core.Schema;

/// <summary>
/// PVC's booleans: Python's <c>str(bool)</c>, "True"/"False". PVC's own tools drop a VM whose
/// node_autostart is anything else, so writes are exactly these; reads accept strtobool's spellings.
/// The maintenance flag alone is lowercase ("true"/"false").
/// </summary>
public static class PvcBool
{
    /// <summary>"True" or "False".</summary>
    public static string Encode(bool value) => value ? "True" : "False";

    /// <summary>"true" or "false", for <c>/config/maintenance</c> only.</summary>
    public static string EncodeLowercase(bool value) => value ? "true" : "false";

    /// <summary>Reads a boolean as strtobool does (y, yes, t, true, on, 1 / n, no, f, false, off, 0); anything else is <paramref name="fallback"/>.</summary>
    public static bool Decode(string? text, bool fallback = false) => text?.Trim().ToLowerInvariant() switch
    {
        "y" or "yes" or "t" or "true" or "on" or "1" => true,
        "n" or "no" or "f" or "false" or "off" or "0" => false,
        _ => fallback,
    };
}
