using Microsoft.Extensions.Logging;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Logging;

namespace Pvc.NodeService.Tests.Logging;

/// <summary>The node service's logging: PVC's line format, the file's mode, the masks, and pvc.conf's logging keys.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NodeLogProviderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pvc-log-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Every_line_is_PVC_shaped_and_a_configured_password_is_masked_whatever_logged_it()
    {
        var settings = new NodeLogSettings { Stdout = false, File = true, Directory = _dir };
        var file = settings.FilePath;
        using (var provider = new NodeLogProvider(settings, new SecretRedactor(["Bmc-pass-1", null, "zk-pass-2", "x"]), zooKeeper: null))
        {
            var log = provider.CreateLogger("test");
            log.LogWarning("ipmitool -H bmc1 -U admin -P {Password} failed", "Bmc-pass-1");
            log.LogInformation("digest user pvcnode:zk-pass-2\nsecond line");
            log.LogDebug("not written: debug_logging is off");
            log.LogError(new IOException("disk gone"), "The write failed");
        }
        var lines = File.ReadAllLines(file);
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^warning: \d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{6} ipmitool -H bmc1 -U admin -P \*\*\* failed$", lines[0]);
        Assert.EndsWith(" digest user pvcnode:***", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(" second line", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("info: ", lines[2], StringComparison.Ordinal);
        Assert.Matches(@"^failed: .* The write failed \(IOException: disk gone\)$", lines[3]);
        // a one-letter "secret" would mask every x in every line: too short to mask
        Assert.Contains("-U admin", lines[0], StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public void An_existing_log_file_is_made_owner_only_and_appended_to()
    {
        var settings = new NodeLogSettings { Stdout = false, File = true, Directory = _dir, Dates = false };
        File.WriteAllText(settings.FilePath, "older line\n");
        File.SetUnixFileMode(settings.FilePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using (var provider = new NodeLogProvider(settings, new SecretRedactor([]), zooKeeper: null))
            provider.CreateLogger("test").LogInformation("newer line");
        Assert.Equal(["older line", "info: newer line"], File.ReadAllLines(settings.FilePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(settings.FilePath));
    }

    [Fact]
    public void The_logging_section_is_read_with_PVC_s_defaults_and_bad_values_are_refused()
    {
        var path = Path.Combine(_dir, "pvc.conf");
        const string head = "cluster:\n  name: c\n  coordinator_nodes: [hv1]\nnode:\n  name: hv1\n";
        File.WriteAllText(path, head);
        var defaults = NodeConfigLoader.Load(path).Logging;
        Assert.Equal((true, false, true, 2000, 1000, "/var/log/pvc", "/var/log/libvirt"),
            (defaults.Stdout, defaults.File, defaults.ZooKeeper, defaults.NodeLogLines, defaults.ConsoleLogLines, defaults.Directory, defaults.ConsoleDirectory));
        File.WriteAllText(path, head + "logging:\n  file_logging: true\n  node_log_lines: 50\n  console_log_lines: 20\npath:\n  system_log_directory: /srv/log/pvc\n  console_log_directory: /srv/consoles\n");
        var set = NodeConfigLoader.Load(path).Logging;
        Assert.Equal((true, 50, 20, "/srv/log/pvc/pvcnoded.log", "/srv/consoles"), (set.File, set.NodeLogLines, set.ConsoleLogLines, set.FilePath, set.ConsoleDirectory));
        File.WriteAllText(path, head + "logging:\n  node_log_lines: 0\n");
        Assert.Contains("logging.node_log_lines", Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(path)).Message, StringComparison.Ordinal);
        File.WriteAllText(path, head + "path:\n  console_log_directory: relative/consoles\n");
        Assert.Contains("path.console_log_directory", Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(path)).Message, StringComparison.Ordinal);
        File.WriteAllText(path, head + "logging:\n  zookeeper_logging: sometimes\n");
        Assert.Contains("logging.zookeeper_logging", Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(path)).Message, StringComparison.Ordinal);
    }
}
