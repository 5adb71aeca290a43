namespace Pvc.NodeService.Logging;

/// <summary>
/// The service's log file (PVC's <c>&lt;system_log_directory&gt;/pvcnoded.log</c>): appended to, owner-only (mode 0600,
/// set on an existing file too), and reopened on SIGHUP so that logrotate can move it away.
/// </summary>
internal sealed class LogFile(string path) : IDisposable
{
    private readonly Lock _gate = new();
    private StreamWriter? _writer;

    /// <summary>The file.</summary>
    public string Path => path;

    /// <summary>Appends a line (opening the file when it is not open).</summary>
    public void Write(string line)
    {
        lock (_gate)
        {
            _writer ??= Open();
            _writer.Write(line);
            _writer.Write('\n');
            _writer.Flush();
        }
    }

    /// <summary>Closes the file; the next line opens it again, at its path (a new file after a rotation).</summary>
    public void Reopen()
    {
        lock (_gate)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }

    private StreamWriter Open()
    {
        var directory = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var stream = new FileStream(path, options);
        // a file that was there before (made by another tool, or by hand) is made owner-only too: log lines say what the node does
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return new StreamWriter(stream, new System.Text.UTF8Encoding(false));
    }

    /// <inheritdoc/>
    public void Dispose() => Reopen();
}
