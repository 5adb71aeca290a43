using System.Text.RegularExpressions;
using Pvc.Core.Schema;
using Pvc.Testing;
using Xunit;

namespace Pvc.NodeService.Tests;

/// <summary>
/// The node service leaves PVC's rules to Core: it holds none of PVC's state strings (Core's codecs encode and decode
/// them, and Core's node-side operations make every transition) and reaches ZooKeeper only through Core.
/// </summary>
public sealed partial class NodeServiceVocabularyTests
{
    /// <summary>
    /// Other vocabularies that happen to share words with the states, each in the one file that speaks it: pvc.conf's
    /// failed_fence/successful_fence "migrate" and "none", systemctl's verbs, dnsmasq's lease-script actions, ip's
    /// "link delete", nft's "delete table", the JSON field a task result names an RBD lock's holder by, and PowerDNS's
    /// "primary"/"secondary" zone-role settings in its pdns.conf.
    /// </summary>
    private static readonly HashSet<(string File, string Literal)> ConfigurationWords =
    [
        ("Configuration/NodeConfigLoader.cs", "migrate"),
        ("Configuration/NodeConfigLoader.cs", "none"),
        ("Ceph/Osds/SystemdOsdDaemons.cs", "start"),
        ("Ceph/Osds/SystemdOsdDaemons.cs", "stop"),
        ("Networks/LeaseHook.cs", "init"),
        ("Networks/NetworkInstances.cs", "delete"),
        ("Networks/NetworkFirewall.cs", "delete"),
        ("Tasks/VmFlushLocksHandler.cs", "client"),
        ("Networks/DnsAggregator.cs", "primary"),
        ("Networks/DnsAggregator.cs", "secondary"),
    ];

    /// <summary>Every string of PVC's state machines (VM, node daemon, node domain, coordinator), node modes, and primary_node's "none".</summary>
    private static HashSet<string> StateWords() =>
    [
        .. Wire.VmState.WireValues, .. Wire.DaemonState.WireValues, .. Wire.DomainState.WireValues,
        .. Wire.CoordinatorState.WireValues, .. Wire.NodeMode.WireValues, "none",
    ];

    [Fact]
    public void NodeServiceCodeHoldsNoPvcStateString()
    {
        var words = StateWords();
        var found = new List<string>();
        foreach (var (file, line, code) in CodeLines())
            foreach (Match m in StringLiteral().Matches(code))
                if (words.Contains(m.Groups[1].Value) && !ConfigurationWords.Contains((file, m.Groups[1].Value)))
                    found.Add($"{file}:{line}: \"{m.Groups[1].Value}\" in {code.Trim()}");
        Assert.True(found.Count == 0, $"PVC state strings in src/Pvc.NodeService (use Core's typed operations and Wire codecs):\n{string.Join('\n', found)}");
    }

    [Fact]
    public void NodeServiceReachesZooKeeperOnlyThroughCore()
    {
        string[] forbidden = ["ZooKeeperClient", "ZooKeeperLock", "Pvc.ZooKeeper.Recipes"];
        var found = CodeLines().Where(l => forbidden.Any(f => l.Code.Contains(f, StringComparison.Ordinal)))
            .Select(l => $"{l.File}:{l.Line}: {l.Code.Trim()}").ToList();
        Assert.True(found.Count == 0, $"The node service uses the ZooKeeper client or its locks directly (go through Core):\n{string.Join('\n', found)}");
    }

    /// <summary>The code of every line of src/Pvc.NodeService/**/*.cs without its comment (a // outside a string).</summary>
    private static IEnumerable<(string File, int Line, string Code)> CodeLines()
    {
        var root = Path.Combine(RepositoryRoot.Path, "src", "Pvc.NodeService");
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("obj/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var number = 0;
            foreach (var line in File.ReadLines(Path.Combine(root, file)))
            {
                number++;
                yield return (file, number, WithoutComment(line));
            }
        }
    }

    private static string WithoutComment(string line)
    {
        var quotes = 0;
        for (var i = 0; i + 1 < line.Length; i++)
        {
            if (line[i] == '"')
                quotes++;
            else if (line[i] == '/' && line[i + 1] == '/' && quotes % 2 == 0)
                return line[..i];
        }
        return line;
    }

    [Fact]
    public void TheScanSeesLiteralsAndSkipsComments()
    {
        // the scan's own parts, on lines of the shapes the node service had before it went through Core
        Assert.Equal("if (state != \"run\") ", WithoutComment("if (state != \"run\") // it wrote \"dead\""));
        Assert.Equal("var uri = \"test:///x\";", WithoutComment("var uri = \"test:///x\";"));
        Assert.Equal("", WithoutComment("/// <summary>The \"flushed\" state.</summary>"));
        Assert.Equal(["start", "fail"], StringLiteral().Matches("Op.SetData(p, \"start\"u8.ToArray()); x is \"fail\"").Select(m => m.Groups[1].Value));
        Assert.Contains("migrate-live", StateWords());
        Assert.Contains("flushed", StateWords());
        Assert.Contains("primary", StateWords());
    }

    [GeneratedRegex("\"([a-z-]+)\"", RegexOptions.CultureInvariant)]
    private static partial Regex StringLiteral();
}
