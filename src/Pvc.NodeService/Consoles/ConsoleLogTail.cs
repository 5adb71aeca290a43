using System.Text;
using Pvc.Core.Vms;
using Pvc.NodeService.Daemon;

namespace Pvc.NodeService.Consoles;

/// <summary>
/// PVC's console watcher for one running VM: keeps the last console_log_lines lines of its serial console log file
/// and writes them to <c>/domains/&lt;uuid&gt;/consolelog</c> when they change, at most every
/// <see cref="MinimumInterval"/> (a chatty guest costs ZooKeeper two writes a second, not one a line). The file is
/// made owner-only (0600) as PVC's is; changes are seen through inotify (FileSystemWatcher), with a slow re-read as a
/// fallback; only the bytes appended since the last read are read.
/// </summary>
internal sealed class ConsoleLogTail(Guid uuid, string path, int maxLines, VmHostOperations vms)
{
    /// <summary>The shortest time between two writes of the log.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(500);

    // at most this much of an existing file is read at the start: enough for console_log_lines lines of a console
    private const int InitialBytes = 1024 * 1024;

    private readonly Queue<string> _lines = new();
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
    private readonly StringBuilder _partial = new();
    private long _offset;
    private string? _written;

    /// <summary>The VM.</summary>
    public Guid Uuid => uuid;

    /// <summary>Tails until cancelled (the VM stopped here, or the session ended), then writes a last time.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Prepare();
        var changed = new Signal();
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
        };
        watcher.Changed += (_, _) => changed.Set();
        watcher.Created += (_, _) => changed.Set();
        watcher.Renamed += (_, _) => changed.Set();
        watcher.EnableRaisingEvents = true;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await UpdateAsync(cancellationToken);
                await Task.Delay(MinimumInterval, cancellationToken);
                // inotify tells of every write; the re-read after a while covers a change it did not report (a file replaced)
                await changed.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        using var last = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await UpdateAsync(last.Token);
    }

    /// <summary>Creates the file when libvirt has not yet (as PVC's does) and makes it owner-only.</summary>
    private void Prepare()
    {
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (new FileStream(path, options))
        {
        }
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Reads what was appended (all again after a truncation or a new file) and writes the log when it changed.</summary>
    public async Task UpdateAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length < _offset)
            {
                // truncated or replaced (logrotate): start over from the file as it is
                _offset = 0;
                _lines.Clear();
                _partial.Clear();
                _decoder.Reset();
            }
            if (_offset == 0 && stream.Length > InitialBytes)
                _offset = stream.Length - InitialBytes;
            stream.Position = _offset;
            var bytes = new byte[64 * 1024];
            var chars = new char[bytes.Length + 4];
            int read;
            while ((read = await stream.ReadAsync(bytes, cancellationToken)) > 0)
            {
                _offset += read;
                var count = _decoder.GetChars(bytes, 0, read, chars, 0);
                Append(chars.AsSpan(0, count));
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return; // not there (yet): libvirt creates it when the domain starts
        }
        var text = Text();
        if (text == _written)
            return;
        await vms.WriteConsoleLogAsync(uuid, text, cancellationToken);
        _written = text;
    }

    private void Append(ReadOnlySpan<char> chars)
    {
        foreach (var c in chars)
        {
            if (c == '\n')
            {
                _lines.Enqueue(_partial.ToString());
                _partial.Clear();
                while (_lines.Count > maxLines)
                    _lines.Dequeue();
            }
            else
            {
                _partial.Append(c);
            }
        }
    }

    /// <summary>PVC's text: the last lines, each with its newline, then the unfinished one (console_log_lines in all).</summary>
    private string Text()
    {
        var skip = _partial.Length > 0 && _lines.Count >= maxLines ? 1 : 0;
        var text = new StringBuilder();
        foreach (var line in _lines.Skip(skip))
            text.Append(line).Append('\n');
        return text.Append(_partial).ToString();
    }
}
