using Microsoft.Extensions.Logging.Abstractions;
using Pvc.Core.Cluster;
using Pvc.Core.Faults;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.NodeService.Health;
using Pvc.NodeService.Health.Plugins;
using Pvc.NodeService.Tests.Cluster;
using Pvc.Testing.Lab;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Health;

/// <summary>
/// The node service's health monitor with a user's plugin from the plugin directory: it loads what applies, writes
/// PVC's monitoring keys every monitoring interval, and a plugin's health drop raises PVC's NODE_PLUGIN fault and
/// lowers the node's and the cluster's health (Get-PvcNode, Get-PvcCluster read these); the service stopping leaves
/// the health unknown and runs the plugins' cleanup.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NodeHealthMonitorTests(ZooKeeperFixture zk) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pvc-plugins-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Script(string name, string body, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body.ReplaceLineEndings("\n"));
        File.SetUnixFileMode(path, mode);
        return path;
    }

    /// <summary>A plugin whose run reports the delta in a file beside it, and whose cleanup leaves a mark.</summary>
    private string DeltaPlugin(string name)
    {
        File.WriteAllText(Path.Combine(_dir, $"{name}.delta"), "0");
        return Script($"{name}.sh", $$$"""
            case "$1" in
              setup) exit 0 ;;
              run) printf '{"health_delta": %s, "message": "delta from its file", "data": {"node": "%s", "plugin": "%s"}}' "$(cat '{{{_dir}}}/{{{name}}}.delta')" "$PVC_NODE" "$PVC_PLUGIN" ;;
              cleanup) echo cleaned > '{{{_dir}}}/{{{name}}}.cleaned' ;;
            esac
            """);
    }

    [Fact]
    public async Task A_user_plugins_health_drop_raises_PVCs_fault_and_lowers_the_node_and_cluster_health()
    {
        DeltaPlugin("canary");
        Script("nothing", "echo 'nothing to check here'; exit 1\n");
        // the machine-dependent plugins (its load, packages, disks, memory controllers) stay out of the sum
        var extra = $"path:\n  plugin_directory: \"{_dir}\"\nhealth:\n  disabled_plugins: [disk, dpkg, edac, load]\n";
        await using var c = await NodeServiceCluster.StartAsync(zk, count: 1,
            writeConfig: (folder, name, all, zookeeper) =>
            {
                var file = LabNode.Write(folder, name, all, zookeeper, extra);
                File.WriteAllText(file, File.ReadAllText(file).Replace("timer:\n", "timer:\n  monitoring_interval: 1\n", StringComparison.Ordinal));
                return file;
            });
        await c.WaitReadyAsync();
        var hv1 = c.Nodes[0];

        // the compiled plugins that apply to a test-driver coordinator without BMC, networks or PostgreSQL, then the directory's
        await c.WaitAsync(NodeKeys.Path("hv1", NodeKeys.MonitoringPlugins), p => p.Length > 0, "the plugins recorded");
        Assert.Equal("libvirt zookeeper canary", await c.ReadAsync(NodeKeys.Path("hv1", NodeKeys.MonitoringPlugins)));
        await c.WaitForLogAsync(hv1, "Health plugin nothing not loaded: nothing to check here");
        await c.WaitForLogAsync(hv1, "Health plugin ipmi not loaded: no BMC is configured");
        await c.WaitAsync(NodeKeys.Path("hv1", NodeKeys.MonitoringHealth), h => h == "100", "the first round");
        Assert.Equal("""{"node":"hv1","plugin":"canary"}""", await c.ReadAsync(MonitoringPluginKeys.Path("hv1", "canary", MonitoringPluginKeys.Data)));
        Assert.Equal(100, (await ClusterStatusReader.ReadAsync(c.Connection)).Health);

        await File.WriteAllTextAsync(Path.Combine(_dir, "canary.delta"), "40");
        await c.WaitAsync(NodeKeys.Path("hv1", NodeKeys.MonitoringHealth), h => h == "60", "the health drop");
        await c.WaitAsync(FaultKeys.Path("NODE_PLUGIN_CANARY_HV1", FaultKeys.Delta), d => d == "20", "PVC's plugin fault at half the delta");
        var fault = await c.Connection.Faults.GetAsync("NODE_PLUGIN_CANARY_HV1");
        Assert.Equal("hv1 canary: delta from its file", fault.Message);
        Assert.Equal(80, (await ClusterStatusReader.ReadAsync(c.Connection)).Health);
        var node = await c.NodeOps.GetAsync("hv1");
        Assert.Equal(60, node.Health);
        var canary = node.HealthPlugins.Single(p => p.Name == "canary");
        Assert.Equal((40, "delta from its file"), (canary.HealthDelta, canary.Message));
        Assert.Equal(0, node.HealthPlugins.Single(p => p.Name == "libvirt").HealthDelta);

        hv1.Stop();
        Assert.Equal("None", await c.ReadAsync(NodeKeys.Path("hv1", NodeKeys.MonitoringHealth)));
        Assert.Equal("cleaned\n", await File.ReadAllTextAsync(Path.Combine(_dir, "canary.cleaned")));
    }

    [Fact]
    public async Task The_plugin_directory_loads_only_executables_its_owner_alone_may_write_with_plugin_names()
    {
        Script("good-one.ps1", "exit 0\n");
        Script("readme", "not a program\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Script("shared", "exit 0\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupWrite);
        Script("Bad Name", "exit 0\n");
        Script("load", "exit 0\n");
        var log = new LineLogger();

        var plugins = HealthPluginSet.FromDirectory(_dir, "hv1", TimeSpan.FromSeconds(5), new HashSet<string>(["load"]), log);

        Assert.Equal(["good-one"], plugins.Select(p => p.Name));
        Assert.Contains(log.Lines, l => l.Text.Contains("shared is not loaded: others than its owner may write it", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Text.Contains("Bad Name is not loaded: its name must be", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Text.Contains("load is not loaded: a plugin named load is already loaded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_user_plugin_that_fails_or_reports_nonsense_costs_10_and_one_that_hangs_is_stopped_at_the_interval()
    {
        var failing = new ExecutableHealthPlugin(Script("failing", "echo 'cannot read sensors' >&2; exit 2\n"), "failing", "hv1", TimeSpan.FromSeconds(5));
        var result = await failing.RunAsync(CancellationToken.None);
        Assert.Equal((ExecutableHealthPlugin.FailureDelta, "The plugin failed (exit 2): cannot read sensors"), (result.HealthDelta, result.Message));

        var nonsense = new ExecutableHealthPlugin(Script("nonsense", "echo '{\"health_delta\": -5, \"message\": \"x\"}'\n"), "nonsense", "hv1", TimeSpan.FromSeconds(5));
        Assert.Equal(ExecutableHealthPlugin.FailureDelta, (await nonsense.RunAsync(CancellationToken.None)).HealthDelta);

        var hanging = new ExecutableHealthPlugin(Script("hanging", "exec sleep 30\n"), "hanging", "hv1", TimeSpan.FromSeconds(1));
        var hung = await hanging.RunAsync(CancellationToken.None);
        Assert.Equal(ExecutableHealthPlugin.FailureDelta, hung.HealthDelta);
        Assert.Contains("did not finish within 1 s", hung.Message, StringComparison.Ordinal);

        var notHere = new ExecutableHealthPlugin(Script("nothere", "echo 'no RAID controller'; exit 1\n"), "nothere", "hv1", TimeSpan.FromSeconds(5));
        Assert.Equal("no RAID controller", await notHere.SetupAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_plugin_run_while_its_file_is_still_open_for_writing_runs_once_the_writer_closes_it()
    {
        // exec of a file some process holds open for writing fails with ETXTBSY ("Text file busy"): a plugin being
        // installed as it is due, or, in a busy process, a child forked elsewhere between this file's write and close
        // (a loaded test run saw "could not be run" that way)
        var path = Script("busy", "echo '{\"health_delta\": 0, \"message\": \"ran\"}'\n");
        var plugin = new ExecutableHealthPlugin(path, "busy", "hv1", TimeSpan.FromSeconds(30));
        var writer = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        var busyBefore = HostCommand.BusyRetries(path);
        var run = plugin.RunAsync(CancellationToken.None);
        // the writer stays until the run has met the busy file at least once (the old code failed there), however late
        // a loaded machine gets to it
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (HostCommand.BusyRetries(path) == busyBefore && !run.IsCompleted)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "The run never tried the busy file");
            await Task.Delay(20);
        }
        await writer.DisposeAsync();
        var result = await run;
        Assert.Equal((0, "ran"), (result.HealthDelta, result.Message));
    }

    [Fact]
    public async Task A_PowerShell_script_with_a_pwsh_shebang_is_a_plugin()
    {
        var path = Path.Combine(_dir, "mdraid.ps1");
        File.WriteAllText(path, $$"""
            #!{{Pvc.Testing.PowerShell.PwshTool.Path}}
            switch ($args[0]) {
                'setup' { exit 0 }
                'run'   { @{ health_delta = 5; message = "node $env:PVC_NODE plugin $env:PVC_PLUGIN"; data = @{ degraded = 1 } } | ConvertTo-Json -Compress }
            }
            """.ReplaceLineEndings("\n"));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var plugin = Assert.Single(HealthPluginSet.FromDirectory(_dir, "hv1", TimeSpan.FromSeconds(60), new HashSet<string>(), NullLogger.Instance));
        Assert.Equal("mdraid", plugin.Name);
        Assert.Null(await plugin.SetupAsync(CancellationToken.None));
        var result = await plugin.RunAsync(CancellationToken.None);
        Assert.Equal((5, "node hv1 plugin mdraid"), (result.HealthDelta, result.Message));
        Assert.Equal(1, result.Data!["degraded"]!.GetValue<int>());
    }
}
