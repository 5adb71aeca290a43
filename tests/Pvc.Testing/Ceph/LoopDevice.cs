using System.Diagnostics;

namespace Pvc.Testing.Ceph;

/// <summary>
/// A block device for OSD tests: a sparse file attached with <c>losetup</c> (root only), detached and deleted on dispose.
/// ceph-volume takes it as it would a disk.
/// </summary>
public sealed class LoopDevice : IDisposable
{
    private LoopDevice(string path, string backingFile)
    {
        Path = path;
        BackingFile = backingFile;
    }

    /// <summary>The device, <c>/dev/loopN</c>.</summary>
    public string Path { get; }

    /// <summary>The sparse file behind it.</summary>
    public string BackingFile { get; }

    /// <summary>Makes a sparse file of <paramref name="sizeBytes"/> in <paramref name="directory"/> and attaches it.</summary>
    /// <exception cref="InvalidOperationException">losetup failed (not root, or no free loop device).</exception>
    public static LoopDevice Create(string directory, long sizeBytes)
    {
        var file = System.IO.Path.Combine(directory, $"loop-{Guid.NewGuid():N}.img");
        using (var stream = new FileStream(file, FileMode.CreateNew))
            stream.SetLength(sizeBytes);
        var (code, output, error) = Run("losetup", "--find", "--show", file);
        if (code != 0)
        {
            File.Delete(file);
            throw new InvalidOperationException($"losetup could not attach {file} ({code}): {error.Trim()}");
        }
        return new LoopDevice(output.Trim(), file);
    }

    /// <summary>Runs a tool with its arguments (each an argv entry); its exit code and output.</summary>
    public static (int Code, string Output, string Error) Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {tool}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            return (-1, output.Result, "no end within 60 s");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Detaches the device and deletes its file.</summary>
    public void Dispose()
    {
        Run("losetup", "--detach", Path);
        File.Delete(BackingFile);
    }
}
