namespace Pvc.Core.Schema;

/// <summary>
/// PVC's optional strings: Python writes <c>str(None)</c> = "None" for a missing value, and "" is common too.
/// Both read as null; null writes as "None" where PVC writes None (profile) and "" elsewhere.
/// </summary>
public static class PvcText
{
    /// <summary>The text, or null for "", "None" or absent.</summary>
    public static string? Decode(string? text) => string.IsNullOrEmpty(text) || text == "None" ? null : text;

    /// <summary>As Python's <c>str(value)</c>: "None" for null.</summary>
    public static string EncodeNone(string? value) => value ?? "None";

    /// <summary>The text, "" for null.</summary>
    public static string EncodeEmpty(string? value) => value ?? "";
}
