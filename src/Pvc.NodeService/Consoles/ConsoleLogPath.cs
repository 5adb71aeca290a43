using System.Xml;
using System.Xml.Linq;

namespace Pvc.NodeService.Consoles;

/// <summary>
/// Where a VM's serial console is logged: the <c>&lt;log file='...'/&gt;</c> of its domain XML's first serial (or console)
/// device, accepted only inside the node's console log folder (<c>path.console_log_directory</c>). The XML comes from
/// the cluster, which anyone with write access to it can change: unchecked, it could point the node at any file
/// (/etc/shadow) and have it copied into ZooKeeper for every reader to see.
/// </summary>
internal static class ConsoleLogPath
{
    /// <summary>The log file, or null with the reason it is not used (no log configured, or a path outside the folder).</summary>
    public static (string? Path, string? Refusal) FromDomainXml(string? xml, string consoleDirectory)
    {
        if (string.IsNullOrEmpty(xml))
            return (null, null);
        string? file;
        try
        {
            var devices = XDocument.Parse(xml).Root?.Element("devices");
            file = devices?.Elements("serial").Concat(devices.Elements("console"))
                .Select(d => d.Element("log")?.Attribute("file")?.Value).FirstOrDefault(f => f is not null);
        }
        catch (XmlException)
        {
            return (null, "its domain XML does not parse");
        }
        if (file is null)
            return (null, null);
        return Check(file, consoleDirectory);
    }

    /// <summary>The path when it is a plain file path inside <paramref name="consoleDirectory"/> (not a link), else the reason.</summary>
    public static (string? Path, string? Refusal) Check(string file, string consoleDirectory)
    {
        if (file.Any(char.IsControl) || !Path.IsPathFullyQualified(file))
            return (null, $"its console log '{Printable(file)}' is not an absolute path");
        var directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(consoleDirectory));
        // no "..", "." or doubled separators: the path must be exactly what it says
        if (Path.GetFullPath(file) != file || Path.GetDirectoryName(file) != directory || Path.GetFileName(file).Length == 0)
            return (null, $"its console log '{Printable(file)}' is not a file in {directory} (path.console_log_directory)");
        var info = new FileInfo(file);
        if (info.Exists && (info.LinkTarget is not null || info.Attributes.HasFlag(FileAttributes.ReparsePoint)))
            return (null, $"its console log '{file}' is a link");
        if (Directory.Exists(file))
            return (null, $"its console log '{file}' is a folder");
        return (file, null);
    }

    private static string Printable(string text) => new([.. text.Select(c => char.IsControl(c) ? '?' : c)]);
}
