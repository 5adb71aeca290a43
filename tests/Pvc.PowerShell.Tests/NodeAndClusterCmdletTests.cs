using System.Management.Automation;
using Pvc.Core.Cluster;
using Pvc.Core.Faults;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Testing.PowerShell;
using Pvc.Testing.ZooKeeper;
using Pvc.ZooKeeper;

namespace Pvc.PowerShell.Tests;

[Collection(ZooKeeperCollection.Name)]
public sealed class NodeAndClusterCmdletTests(ZooKeeperFixture zk)
{
    [Fact]
    public async Task Get_PvcNode_and_its_table_view()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        var nodes = c.Ps.Run("Get-PvcNode").ThrowIfErrors().OutputOf<Node>();
        Assert.Equal(["hv1", "hv2", "hv3"], nodes.Select(n => n.Name));
        Assert.Equal(["hv2"], c.Ps.Run("Get-PvcNode *2").ThrowIfErrors().OutputOf<Node>().Select(n => n.Name));
        Assert.Equal("NodeNotFound,Pvc.PowerShell.Cmdlets.GetPvcNodeCommand", Assert.Single(c.Ps.Run("Get-PvcNode hv9").Errors).FullyQualifiedErrorId);

        var text = c.Ps.Render("Get-PvcNode").ThrowIfErrors().HostText;
        var header = text.Split('\n').First(l => l.Contains("Daemon", StringComparison.Ordinal));
        foreach (var column in new[] { "Name", "Version", "Health", "Daemon", "Coordinator", "Domain", "VMs", "Load", "Free" })
            Assert.Contains(column, header, StringComparison.Ordinal);
        Assert.Contains(text.Split('\n'), l => l.StartsWith("hv1 ", StringComparison.Ordinal) && l.Contains("run", StringComparison.Ordinal) && l.Contains("ready", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Suspend_WhatIf_says_where_each_VM_would_go_and_Wait_follows_the_node()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        var whatIf = c.Ps.Run("Get-PvcNode hv1 | Suspend-PvcNode -WhatIf").ThrowIfErrors();
        // hv3 has the most free memory, as its keepalive reports it; the node's flush decides each VM on those figures
        // (a move shows there only once the VM runs on its target), and the preview says what the flush will do
        Assert.Contains("web1 -> hv3", whatIf.HostText, StringComparison.Ordinal);
        Assert.Contains("web2 -> hv3", whatIf.HostText, StringComparison.Ordinal);
        Assert.Equal("ready", await c.ReadAsync("/nodes/hv1/domainstate"));

        // play the node service: once asked, report the VMs gone and the node flushed
        var nodeService = Task.Run(async () =>
        {
            var path = "/nodes/hv1/domainstate";
            while (true)
            {
                var changed = new TaskCompletionSource();
                var state = System.Text.Encoding.UTF8.GetString((await c.Raw.GetDataAsync(path, _ => changed.TrySetResult())).Data);
                if (state == "flush")
                    break;
                await changed.Task.WaitAsync(TimeSpan.FromSeconds(20));
            }
            await c.Raw.MultiAsync([Op.SetData("/nodes/hv1/runningdomains", ""u8.ToArray()), Op.SetData(path, "flushed"u8.ToArray())]);
        });
        var result = c.Ps.Run("Suspend-PvcNode hv1 -Wait -Timeout 20 -Confirm:$false").ThrowIfErrors();
        await nodeService;
        Assert.Equal(NodeDomainState.Flushed, Assert.Single(result.OutputOf<Node>()).DomainState);
        Assert.Contains(result.Progress, p => p.RecordType == ProgressRecordType.Completed && p.Activity == "Flushing node hv1");

        c.Ps.Run("Resume-PvcNode hv1").ThrowIfErrors();
        Assert.Equal("unflush", await c.ReadAsync("/nodes/hv1/domainstate"));
    }

    [Fact]
    public async Task Coordinator_hand_over_and_node_log()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        c.Ps.Run("Set-PvcNode hv2 -CoordinatorState Primary").ThrowIfErrors();
        Assert.Equal("hv2", await c.ReadAsync("/config/primary_node"));
        c.Ps.Run("Set-PvcNode hv2 -CoordinatorState Secondary").ThrowIfErrors();
        Assert.Equal("none", await c.ReadAsync("/config/primary_node"));

        // with no other coordinator running, a step-down would elect the same node again: refused, nothing written
        await c.Raw.SetDataAsync("/config/primary_node", "hv2"u8.ToArray());
        await c.Raw.SetDataAsync("/nodes/hv2/routerstate", "primary"u8.ToArray());
        foreach (var other in new[] { "hv1", "hv3" })
            await c.Raw.SetDataAsync($"/nodes/{other}/daemonstate", "stop"u8.ToArray());
        var alone = Assert.Single(c.Ps.Run("Set-PvcNode hv2 -CoordinatorState Secondary").Errors);
        Assert.Equal(("NoOtherCoordinator,Pvc.PowerShell.Cmdlets.SetPvcNodeCommand", ErrorCategory.InvalidOperation, "hv2"),
            (alone.FullyQualifiedErrorId, alone.CategoryInfo.Category, alone.TargetObject as string));
        Assert.Equal("hv2", await c.ReadAsync("/config/primary_node"));

        await c.Raw.CreateAsync("/logs/hv1", ReadOnlyMemory<byte>.Empty);
        await c.Raw.CreateAsync("/logs/hv1/messages", "a\nb\nc"u8.ToArray());
        Assert.Equal(["b", "c"], c.Ps.Run("Get-PvcNodeLog hv1 -Tail 2").ThrowIfErrors().OutputOf<string>());
    }

    [Fact]
    public async Task Cluster_status_maintenance_and_faults()
    {
        await using var c = await SeededCluster.StartAsync(zk);
        foreach (var (id, delta) in new[] { ("DEAD_NODE_HV3", "50"), ("VM_FAILED_BROKEN", "10") })
        {
            await c.Raw.CreateAsync($"/faults/{id}", ReadOnlyMemory<byte>.Empty);
            foreach (var (key, value) in new[] { ("first_time", "2026-11-24 10:00:00"), ("last_time", "2026-11-24 10:05:00"), ("ack_time", ""), ("status", "new"), ("delta", delta), ("message", $"{id} happened") })
                await c.Raw.CreateAsync($"/faults/{id}/{key}", System.Text.Encoding.UTF8.GetBytes(value));
        }
        var status = c.Ps.Run("Get-PvcCluster").ThrowIfErrors().OutputOf<ClusterStatus>().Single();
        Assert.Equal(("lab", 40, false, 4), (status.Name, status.Health, status.Maintenance, status.VmCount));

        Assert.Equal(2, c.Ps.Run("Get-PvcFault").ThrowIfErrors().OutputOf<Fault>().Count);
        Assert.Equal(["DEAD_NODE_HV3"], c.Ps.Run("(TabExpansion2 -inputScript 'Get-PvcFault de' -cursorColumn 15).CompletionMatches | ForEach-Object CompletionText").ThrowIfErrors().OutputOf<string>());
        Assert.Equal(["DEAD_NODE_HV3", "VM_FAILED_BROKEN"], c.Ps.Run("(TabExpansion2 -inputScript 'Remove-PvcFault -Id ' -cursorColumn 20).CompletionMatches | ForEach-Object CompletionText").ThrowIfErrors().OutputOf<string>());
        c.Ps.Run("Get-PvcFault DEAD* | Confirm-PvcFault").ThrowIfErrors();
        Assert.Equal("ack", await c.ReadAsync("/faults/DEAD_NODE_HV3/status"));
        Assert.Equal(90, c.Ps.Run("Get-PvcCluster").ThrowIfErrors().OutputOf<ClusterStatus>().Single().Health);
        var missing = c.Ps.Run("Confirm-PvcFault NOPE");
        Assert.Equal("FaultNotFound,Pvc.PowerShell.Cmdlets.ConfirmPvcFaultCommand", Assert.Single(missing.Errors).FullyQualifiedErrorId);
        c.Ps.Run("Remove-PvcFault VM_FAILED_BROKEN -Confirm:$false").ThrowIfErrors();
        Assert.Null(await c.Raw.ExistsAsync("/faults/VM_FAILED_BROKEN"));

        var on = c.Ps.Run("Set-PvcCluster -Maintenance $true -PassThru").ThrowIfErrors().OutputOf<ClusterStatus>().Single();
        Assert.True(on.Maintenance);
        Assert.Equal("true", await c.ReadAsync("/config/maintenance"));
        var rendered = c.Ps.Render("Get-PvcCluster").ThrowIfErrors().HostText;
        Assert.Contains("(maintenance on)", rendered, StringComparison.Ordinal);
        Assert.Contains("3/3 run,ready", rendered, StringComparison.Ordinal);

        // the resources as the list view shows them, summed over the three nodes' keepalive figures; hv1 alone reports a health
        foreach (var node in new[] { "hv1", "hv2", "hv3" })
            foreach (var (key, value) in new[] { ("memtotal", "4096"), ("memused", "1024"), ("memalloc", "2048"), ("memprov", "3072"), ("cpuload", "1.5"), ("vcpualloc", "6"), ("staticdata", "12 6.1.0 Debian x86_64") })
                await c.Raw.SetDataAsync($"/nodes/{node}/{key}", System.Text.Encoding.UTF8.GetBytes(value));
        await c.Raw.SetDataAsync("/nodes/hv1/monitoring_health", "80"u8.ToArray());
        // the list view's labels come in colour
        rendered = System.Text.RegularExpressions.Regex.Replace(c.Ps.Render("Get-PvcCluster").ThrowIfErrors().HostText, "\u001b\\[[0-9;]*m", "");
        Assert.Matches(@"(?m)^Memory\s+: 25% \(3G used / 12G\), 6G allocated, 9G provisioned\s*$", rendered);
        Assert.Matches(@"(?m)^Cpu\s+: 12.5% \(4.50 load / 36 cores\), 18 vCPUs allocated\s*$", rendered);
        Assert.Matches(@"(?m)^NodeHealth\s+: hv1 80%, hv2 n/a, hv3 n/a\s*$", rendered);
        Assert.Matches(@"(?m)^Osds\s+: 0\s*$", rendered);
    }

    [Fact]
    public async Task Initialize_creates_a_cluster_on_an_empty_ZooKeeper_and_refuses_an_existing_one()
    {
        var chroot = await zk.NewChrootAsync();
        using var ps = PowerShellSession.Open();
        ps.Run("Connect-PvcCluster $args[0] | Out-Null", chroot).ThrowIfErrors();
        var status = ps.Run("Initialize-PvcCluster lab2 -Open -Confirm:$false").ThrowIfErrors().OutputOf<ClusterStatus>().Single();
        Assert.Equal(("lab2", 100), (status.Name, status.Health));
        var again = ps.Run("Initialize-PvcCluster lab3 -Open -Confirm:$false");
        Assert.Equal("ClusterAlreadyInitialized,Pvc.PowerShell.Cmdlets.InitializePvcClusterCommand", Assert.Single(again.Errors).FullyQualifiedErrorId);
        // ConfirmImpact High: asked, and "No" changes nothing
        ps.Host.Recorded.ChoiceAnswers.Enqueue("No");
        ps.Run("Initialize-PvcCluster lab4 -Open -Overwrite").ThrowIfErrors();
        Assert.Equal("lab2", ps.Run("(Get-PvcCluster).Name").OutputOf<string>().Single());
        ps.Run("Disconnect-PvcCluster");
    }
}
