namespace Pvc.Testing.Lab;

/// <summary>
/// Keeps libvirt's probe of the QEMU binaries between lab hosts and runs. A libvirtd with an empty cache spends 4-5 s
/// (more on a busy machine) asking QEMU what it can do; with the files of an earlier probe it starts in under a second.
/// libvirt checks each file against the binaries and the kernel and probes again when they changed, so a stale copy
/// costs only the time it would have cost anyway. Each host gets copies (never a shared folder: two libvirtd would
/// write the same files).
/// </summary>
public static class QemuCapabilityCache
{
    /// <summary>The machine-wide store.</summary>
    public static string Store { get; } = "/var/tmp/pvc-lab-qemu-capabilities";

    private static string HostFolder(string hostCacheDirectory) => Path.Combine(hostCacheDirectory, "qemu", "capabilities");

    /// <summary>Copies the stored probe into a host's cache folder (its /var/cache/libvirt) before its libvirtd starts.</summary>
    public static void Seed(string hostCacheDirectory)
    {
        if (!Directory.Exists(Store))
            return;
        var target = Directory.CreateDirectory(HostFolder(hostCacheDirectory)).FullName;
        foreach (var file in Directory.EnumerateFiles(Store, "*.xml"))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
    }

    /// <summary>Stores a started host's probe for the next hosts (each file replaced in one rename, so a reader never sees half).</summary>
    public static void Save(string hostCacheDirectory)
    {
        var source = HostFolder(hostCacheDirectory);
        if (!Directory.Exists(source))
            return;
        Directory.CreateDirectory(Store);
        foreach (var file in Directory.EnumerateFiles(source, "*.xml"))
        {
            var stored = Path.Combine(Store, Path.GetFileName(file));
            if (File.Exists(stored) && File.GetLastWriteTimeUtc(stored) >= File.GetLastWriteTimeUtc(file))
                continue;
            var temporary = $"{stored}.{Environment.ProcessId}.tmp";
            File.Copy(file, temporary, overwrite: true);
            File.Move(temporary, stored, overwrite: true);
        }
    }
}
