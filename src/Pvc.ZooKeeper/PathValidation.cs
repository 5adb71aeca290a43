namespace Pvc.ZooKeeper;

/// <summary>ZooKeeper's rules for znode paths (PathUtils.validatePath), checked before anything is sent.</summary>
public static class PathValidation
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the fault when the path is not a valid znode path.</summary>
    public static void Validate(string path, bool sequential = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path[0] != '/')
            throw new ArgumentException($"The znode path '{path}' must start with '/'.", nameof(path));
        if (path.Length == 1)
            return;
        if (path[^1] == '/' && !sequential)
            throw new ArgumentException($"The znode path '{path}' must not end with '/'.", nameof(path));
        var segmentStart = 1;
        for (var i = 1; i <= path.Length; i++)
        {
            if (i < path.Length && path[i] != '/')
            {
                var c = path[i];
                if (c == '\0' || (c > '\u0000' && c <= '\u001f') || (c >= '\u007f' && c <= '\u009f') ||
                    (c >= '\ud800' && c <= '\uf8ff') || (c >= '\ufff0' && c <= '\uffff'))
                    throw new ArgumentException($"The znode path '{path}' has an invalid character at {i}.", nameof(path));
                continue;
            }
            var segment = path.AsSpan(segmentStart, i - segmentStart);
            if (segment.Length == 0 && !(sequential && i == path.Length))
                throw new ArgumentException($"The znode path '{path}' has an empty segment at {i}.", nameof(path));
            if (segment is "." or "..")
                throw new ArgumentException($"The znode path '{path}' has a relative segment '{segment}'.", nameof(path));
            segmentStart = i + 1;
        }
    }
}
