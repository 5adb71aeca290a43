using System.Diagnostics;
using System.Text.RegularExpressions;
using Pvc.Core.Cluster;
using Pvc.Core.Nodes;
using Pvc.Testing;
using Pvc.Testing.PowerShell;
using Pvc.Testing.ZooKeeper;
using Xunit.Abstractions;

namespace Pvc.PowerShell.Tests;

/// <summary>Show-PvcCluster's picture of a live cluster (ZooKeeper and three real node services on libvirt test-driver hosts).</summary>
[Collection(ZooKeeperCollection.Name)]
public sealed partial class ShowClusterCmdletTests(LiveCluster live, ITestOutputHelper output) : IClassFixture<LiveCluster>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public void The_picture_names_every_node_and_VM_with_Get_PvcNodes_health_and_memory_and_plain_output_has_no_escapes()
    {
        var ps = live.Ps;
        ps.Run("New-PvcVm -Path $args[0] -Node hv1 | Start-PvcVm -Wait -Timeout 60", live.XmlFile("showweb1")).ThrowIfErrors();
        live.NewVm("showdb1", "hv2");

        // the keepalives rewrite the figures every few seconds: compare a picture drawn between two equal reads of Get-PvcNode
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var before = Figures(ps.Run("Get-PvcNode").ThrowIfErrors().OutputOf<Node>());
            var shown = ps.Run("Show-PvcCluster -PassThru -Verbose").ThrowIfErrors();
            var after = Figures(ps.Run("Get-PvcNode").ThrowIfErrors().OutputOf<Node>());
            if (!before.SequenceEqual(after))
            {
                Assert.True(watch.Elapsed < Deadline, "The nodes' figures changed between every two reads for a minute.");
                continue;
            }
            var picture = shown.HostText;
            output.WriteLine(picture);
            var overview = shown.OutputOf<ClusterOverview>().Single();
            Assert.Equal(LiveCluster.Names, overview.Nodes.Select(n => n.Name));
            // three round trips at most: lists, every node's and VM's keys, the health plugins' results
            Assert.Contains(shown.Verbose, v => RoundTrips().Match(v.Message) is { Success: true } m && int.Parse(m.Groups[1].Value) <= 3);

            foreach (var (name, health, used, allocated, total) in after)
            {
                var panel = Panel(picture, name);
                Assert.Contains(health is { } h ? $" {h}%" : " n/a", panel, StringComparison.Ordinal);
                Assert.Contains($"used {used} MiB of {total} MiB", panel, StringComparison.Ordinal);
                Assert.Contains($"allocated {allocated} MiB of {total} MiB", panel, StringComparison.Ordinal);
                Assert.Equal(name, overview.Nodes.Single(n => n.Name == name).Node.Name);
            }
            Assert.Contains("showweb1 (Start)", Panel(picture, "hv1"), StringComparison.Ordinal);
            Assert.Contains("showdb1 (Stop)", Panel(picture, "hv2"), StringComparison.Ordinal);
            Assert.Equal(["showweb1"], overview.Nodes.Single(n => n.Name == "hv1").Vms.Select(v => v.Name));
            // the test host takes no escapes: no colour, and only ASCII
            Assert.DoesNotContain('\u001b', picture);
            Assert.All(picture, c => Assert.True(c < 128, $"'{c}' (U+{(int)c:X4}) is not ASCII"));
            // plain objects stay the default: without -PassThru nothing reaches the pipeline
            Assert.Empty(ps.Run("Show-PvcCluster").ThrowIfErrors().Output);
            return;
        }
    }

    [Fact]
    public void In_pwsh_colour_and_Unicode_follow_the_output_rendering_and_NO_COLOR()
    {
        // a real pwsh whose output is redirected (as here) draws plain text unless $PSStyle.OutputRendering is Ansi
        Assert.DoesNotContain('\u001b', Pwsh("Show-PvcCluster"));
        var ansi = Pwsh("$PSStyle.OutputRendering = 'Ansi'; Show-PvcCluster");
        Assert.Contains('\u001b', ansi);
        Assert.Contains('█', ansi);
        Assert.Contains("hv3", ansi, StringComparison.Ordinal);
        var ascii = Pwsh("$PSStyle.OutputRendering = 'Ansi'; Show-PvcCluster -Ascii -Width 60");
        Assert.Contains('\u001b', ascii);
        Assert.DoesNotContain('█', ascii);
        Assert.DoesNotContain('\u001b', Pwsh("$PSStyle.OutputRendering = 'PlainText'; Show-PvcCluster"));
        var noColor = Pwsh("$PSStyle.OutputRendering = 'Ansi'; Show-PvcCluster", noColor: true);
        Assert.DoesNotContain('\u001b', noColor);
        Assert.Contains("hv3", noColor, StringComparison.Ordinal);
    }

    private string Pwsh(string script, bool noColor = false)
    {
        var start = new ProcessStartInfo(PwshTool.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                "-NoLogo", "-NoProfile", "-NonInteractive", "-Command",
                $"$ErrorActionPreference = 'Stop'; Import-Module '{PowerShellSession.ModuleManifest}'; Connect-PvcCluster '{live.Chroot}' | Out-Null; {script}",
            },
        };
        start.Environment.Remove("NO_COLOR");
        if (noColor)
            start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(Deadline), "pwsh did not finish in a minute");
        Assert.True(process.ExitCode == 0, $"pwsh exited {process.ExitCode}: {stderr.Result}");
        return stdout;
    }

    private static List<(string Name, int? Health, long Used, long Allocated, long Total)> Figures(IEnumerable<Node> nodes) =>
        [.. nodes.Select(n => (n.Name, n.Health, n.MemoryUsedMiB, n.MemoryAllocatedMiB, n.MemoryTotalMiB))];

    /// <summary>A node's panel: from its header line to the next panel's.</summary>
    private static string Panel(string picture, string node)
    {
        var lines = picture.Split('\n');
        var first = Array.FindIndex(lines, l => l.StartsWith($"+-{node} | ", StringComparison.Ordinal));
        Assert.True(first >= 0, $"No panel for {node} in:\n{picture}");
        var end = Array.FindIndex(lines, first + 1, l => l.StartsWith("+-", StringComparison.Ordinal) && l.Contains(" | ", StringComparison.Ordinal));
        return string.Join('\n', lines[first..(end < 0 ? lines.Length : end)]);
    }

    [GeneratedRegex(@"Read the cluster's overview \[(\d+) round trip")]
    private static partial Regex RoundTrips();
}
