namespace Pvc.Core.Storage;

/// <summary>A rejected name as a message may quote it: control characters (a newline in a log line) shown as '?'.</summary>
internal static class StorageNameText
{
    public static string Printable(string? s) => string.Concat((s ?? "").Take(120).Select(c => char.IsControl(c) ? '?' : c));
}
