using Pvc.Core.Errors;

namespace Pvc.Core.Vms;

/// <summary>
/// A directory of the hypervisors under which domain XML may name host files, directories and sockets (a file disk's
/// image, a kernel, a shared folder): one entry of the cluster's <see cref="DomainXmlAllowList.Directories"/>. An
/// absolute path in its plain form, so that "under it" can be decided on the text alone, as libvirt will open it.
/// </summary>
/// <remarks>
/// Only the text is compared: the hosts' file systems are not looked at. A symbolic link inside an allowed directory
/// reaches wherever it points, so an allowed directory is one only administrators write to (docs/bad-input.md).
/// </remarks>
public sealed record HostDirectory
{
    private HostDirectory(string path) => Path = path;

    /// <summary>The directory, absolute, without a trailing '/'.</summary>
    public string Path { get; }

    /// <summary>Takes an absolute path without '.', '..' or empty segments, control characters or commas (the stored list's separator); not '/' itself.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidHostDirectory".</exception>
    public static HostDirectory Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var path = text.Length > 1 && text.EndsWith('/') ? text[..^1] : text;
        if (path == "/")
            throw Invalid(text, "it is the whole file system; allow every host path with -AllowDomainXml HostPath instead, if that is meant");
        if (!IsPlainAbsolute(path) || path.Contains(',', StringComparison.Ordinal))
            throw Invalid(text, "give an absolute path without '.', '..' or empty segments, commas or control characters, such as /var/lib/pvc/images");
        return new HostDirectory(path);
    }

    /// <summary>True when <paramref name="hostPath"/> is a plain absolute path strictly under this directory.</summary>
    public bool Contains(string hostPath)
    {
        ArgumentNullException.ThrowIfNull(hostPath);
        return hostPath.Length > Path.Length + 1 && hostPath.StartsWith(Path + "/", StringComparison.Ordinal) && IsPlainAbsolute(hostPath);
    }

    /// <summary>
    /// True for an absolute path with no '.', '..' or empty segment and no control character: one whose text says where
    /// it is (a '..' would lead out of any directory it starts in).
    /// </summary>
    internal static bool IsPlainAbsolute(string path)
    {
        if (path.Length < 2 || path[0] != '/' || path.Any(char.IsControl))
            return false;
        foreach (var segment in path[1..].Split('/'))
        {
            if (segment is "" or "." or "..")
                return false;
        }
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Path;

    private static PvcException Invalid(string text, string what) =>
        new(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidHostDirectory, $"'{text}' cannot be an allowed host directory for domain XML: {what}.") { Target = text };
}
