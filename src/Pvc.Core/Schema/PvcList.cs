namespace Pvc.Core.Schema;

/// <summary>PVC's list encodings: comma lists (node_limit, rbdlist, name_servers) and space lists (runningdomains, staticdata).</summary>
public static class PvcList
{
    /// <summary>"a,b,c"; "" for none.</summary>
    public static string EncodeComma(IEnumerable<string> items) => string.Join(',', items);

    /// <summary>Items of a comma list, trimmed, empties dropped.</summary>
    public static IReadOnlyList<string> DecodeComma(string? text) =>
        string.IsNullOrWhiteSpace(text) || text == "None" ? [] : text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>"a b c"; "" for none.</summary>
    public static string EncodeSpace(IEnumerable<string> items) => string.Join(' ', items);

    /// <summary>Items of a space list, empties dropped.</summary>
    public static IReadOnlyList<string> DecodeSpace(string? text) =>
        string.IsNullOrWhiteSpace(text) || text == "None" ? [] : text.Split(' ', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
