using System.Globalization;
using System.Text.RegularExpressions;

namespace Pvc.Testing.Lab;

/// <summary>
/// What the QEMU lab needs from this machine, checked up front so that a machine that cannot run it fails the test
/// with the reason (never a silent skip), and the sweep of what a killed test run left behind.
/// </summary>
public static partial class LabMachine
{
    /// <summary>Where lab hosts keep their folders: <c>/tmp/pvc-qemulab-&lt;test process id&gt;-...</c>.</summary>
    public const string DirectoryPrefix = "pvc-qemulab-";

    /// <summary>The prefix of the lab's network namespaces: <c>pvclab-&lt;test process id&gt;-&lt;n&gt;</c>.</summary>
    public const string NamespacePrefix = "pvclab-";

    /// <summary>Throws, naming every missing piece and how to get it, unless this machine can run QEMU lab hosts.</summary>
    /// <exception cref="InvalidOperationException">Something is missing.</exception>
    public static void EnsureCanRunQemuHosts()
    {
        var problems = new List<string>();
        if (!Environment.IsPrivilegedProcess)
            problems.Add($"the tests run as {Environment.UserName}, not root: network namespaces, bind mounts and libvirtd need root");
        foreach (var (tool, package) in new[] { ("libvirtd", "libvirt-daemon"), ("qemu-system-x86_64", "qemu-system-x86"), ("virsh", "libvirt-clients"),
            ("ip", "iproute2"), ("unshare", "util-linux") })
        {
            if (LabCommand.Find(tool) is null)
                problems.Add($"{tool} is missing (Debian package {package}; ./build.sh deps installs it)");
        }
        if (!File.Exists("/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so"))
            problems.Add("libvirt's QEMU driver is missing (Debian package libvirt-daemon-driver-qemu; ./build.sh deps installs it)");
        if (!File.ReadLines("/etc/passwd").Any(l => l.StartsWith("libvirt-qemu:", StringComparison.Ordinal)))
            problems.Add("the user libvirt-qemu is missing (libvirt's QEMU driver looks it up before it reads qemu.conf; ./build.sh deps creates it)");
        if (!Directory.Exists("/proc/self/ns") || !File.Exists("/proc/self/ns/net") || !File.Exists("/proc/self/ns/mnt"))
            problems.Add("this kernel has no network or mount namespaces");
        if (problems.Count > 0)
            throw new InvalidOperationException("This machine cannot run the QEMU lab (libvirtd + QEMU hosts in network namespaces): " + string.Join("; ", problems) + ".");
    }

    /// <summary>
    /// Removes what lab runs whose test process has died left behind: QEMU and libvirtd processes (by the PIDs in
    /// their host folders), the folders, and the network namespaces. A running test's lab is left alone.
    /// </summary>
    public static void SweepLeftovers()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            if (OwnerOf(Path.GetFileName(dir), DirectoryPrefix) is not { } owner || LabCommand.IsAlive(owner))
                continue;
            foreach (var host in Directory.EnumerateDirectories(dir))
                QemuLabHost.KillProcesses(host);
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        var (code, list, _) = LabCommand.TryRun("ip", ["netns", "list"]);
        if (code != 0)
            return;
        foreach (var line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            if (OwnerOf(name, NamespacePrefix) is { } owner && !LabCommand.IsAlive(owner))
                LabCommand.TryRun("ip", ["netns", "del", name]);
        }
    }

    private static int? OwnerOf(string name, string prefix) =>
        name.StartsWith(prefix, StringComparison.Ordinal) && Owner().Match(name[prefix.Length..]) is { Success: true } m
            ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"^(\d+)-")]
    private static partial Regex Owner();
}
