using Pvc.Core.Nodes;
using Pvc.Core.Reading;
using Pvc.Core.Vms;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Core.Tests;

/// <summary>
/// The node log and console log as PVC keeps them (a window of the last lines, replaced whole), followed on watches,
/// and PVC's stats documents read and written by Core's codecs and turned into rates.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
public sealed class LogAndStatsTests(ZooKeeperFixture zk)
{
    /// <summary>A VM stats document as PVC 1.0.3's keepalive writes it (json.dumps of its dict).</summary>
    private const string PvcVmStats = """{"state": "RUNNING", "maxmem": 4194304, "livemem": 4194304, "cpus": 2, "cputime": 152690000000, "mem_stats": {"actual": 4194304, "swap_in": 0, "unused": 3500000, "available": 4000000, "usable": 3600000, "rss": 900000}, "cpu_stats": {"cpu_time": 152690000000, "user_time": 100000000000, "system_time": 40000000000}, "disk_stats": [{"name": "vms/web1_disk0", "rd_req": 1000, "rd_bytes": 4096000, "wr_req": 500, "wr_bytes": 2048000, "err": -1}], "net_stats": [{"name": "vnet0", "bridge": "vmbr100", "rd_bytes": 10000, "rd_packets": 100, "rd_errors": 0, "rd_drops": 0, "wr_bytes": 20000, "wr_packets": 200, "wr_errors": 0, "wr_drops": 0}]}""";

    [Fact]
    public void A_new_log_window_shows_only_the_lines_after_what_the_last_one_showed()
    {
        Assert.Equal(["c", "d"], LogWindow.NewLines(["a", "b"], ["a", "b", "c", "d"]));
        // old lines dropped off the front as new ones came
        Assert.Equal(["d", "e"], LogWindow.NewLines(["a", "b", "c"], ["c", "d", "e"]));
        // a repeated line is not taken for the overlap when what follows differs
        Assert.Equal(["x", "y"], LogWindow.NewLines(["a", "x", "a"], ["a", "x", "y"]));
        // nothing in common (cleared, or more lines came than a window holds): all of it is new
        Assert.Equal(["p", "q"], LogWindow.NewLines(["a", "b"], ["p", "q"]));
        Assert.Empty(LogWindow.NewLines(["a", "b"], ["a", "b"]));
        // a console text: the empty piece after the last newline is no line, an unfinished one only when asked for
        Assert.Equal(["one", "two"], LogWindow.Lines("one\r\ntwo\n"));
        Assert.Equal(["one", "tw"], LogWindow.Lines("one\ntw"));
        Assert.Equal(["one"], LogWindow.Lines("one\ntw", withUnfinished: false));
    }

    [Fact]
    public void A_log_window_keeps_its_last_lines_and_stays_well_inside_a_znode()
    {
        Assert.Equal("b\nc\nd", LogWindow.Append("a\nb", ["c", "d"], maxLines: 3));
        Assert.Equal("x", LogWindow.Append(null, ["x"], maxLines: 3));
        var big = LogWindow.Append(null, [.. Enumerable.Range(0, 100).Select(i => new string('z', 1000) + i)], maxLines: 2000, maxChars: 10_500);
        Assert.InRange(big.Length, 9_000, 10_500);
        Assert.EndsWith("99", big, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_appends_to_its_log_keeping_node_log_lines_and_never_overwrites_another_writer_s_lines()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await PvcSeed.AddNodeAsync(c.Raw, "hv9");
        var node = new NodeHostOperations(c.Connection, "hv9");
        await node.AppendLogAsync(["one", "two"], maxLines: 3, default);
        Assert.Equal("one\ntwo", await c.ReadAsync("/logs/hv9/messages"));
        await node.AppendLogAsync(["three", "four"], maxLines: 3, default);
        Assert.Equal("two\nthree\nfour", await c.ReadAsync("/logs/hv9/messages"));
        // another writer (PVC's pvchealthd logs to the same node log) wrote meanwhile: its line stays
        await c.Raw.SetDataAsync("/logs/hv9/messages", "two\nthree\nfour\nhealth"u8.ToArray());
        await node.AppendLogAsync(["five"], maxLines: 3, default);
        Assert.Equal("four\nhealth\nfive", await c.ReadAsync("/logs/hv9/messages"));
        Assert.Equal(["health", "five"], await new NodeOperations(c.Connection).GetLogAsync("hv9", 2));
    }

    [Fact]
    public async Task Following_a_node_log_gives_the_tail_then_each_new_line_as_it_is_written()
    {
        await using var c = await TestCluster.StartAsync(zk);
        await PvcSeed.AddNodeAsync(c.Raw, "hv9");
        var writer = new NodeHostOperations(c.Connection, "hv9");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // no log yet: the follower waits for it
        await using var lines = new NodeOperations(c.Connection).FollowLogAsync("hv9", tail: 2, stop.Token).GetAsyncEnumerator(stop.Token);
        var next = lines.MoveNextAsync().AsTask();
        await writer.AppendLogAsync(["a", "b", "c"], 100, default);
        Assert.True(await next);
        Assert.Equal("b", lines.Current);
        Assert.True(await lines.MoveNextAsync());
        Assert.Equal("c", lines.Current);
        // lines that push old ones out of the window still come once each
        await writer.AppendLogAsync(["d", "e"], 3, default);
        Assert.True(await lines.MoveNextAsync());
        Assert.Equal("d", lines.Current);
        Assert.True(await lines.MoveNextAsync());
        Assert.Equal("e", lines.Current);
        // Ctrl+C ends it
        next = lines.MoveNextAsync().AsTask();
        await stop.CancelAsync();
        Assert.False(await next);
    }

    [Fact]
    public void PVC_s_VM_stats_document_reads_and_writes_back_key_for_key()
    {
        var stats = VmStats.Parse(PvcVmStats)!;
        Assert.Equal(("RUNNING", 4194304L, 2, 152690000000L, 100000000000L), (stats.State, stats.MaxMemoryKiB!.Value, stats.Vcpus!.Value, stats.CpuTimeNs!.Value, stats.CpuUserNs!.Value));
        Assert.Equal(500_000L, stats.GuestUsedMemoryKiB);
        Assert.Equal(new VmDiskStats("vms/web1_disk0", 1000, 4096000, 500, 2048000, -1), Assert.Single(stats.Disks));
        Assert.Equal(new VmNicStats("vnet0", "vmbr100", 10000, 100, 0, 0, 20000, 200, 0, 0), Assert.Single(stats.Nics));
        Assert.Equal(PvcVmStats, (stats with { Json = "" }).Encode());
        Assert.Null(VmStats.Parse(""));
        Assert.Null(VmStats.Parse("None"));
    }

    [Fact]
    public void Two_reports_give_rates_and_a_restarted_VM_gives_none()
    {
        var before = VmStats.Parse(PvcVmStats)!;
        var after = before with
        {
            CpuTimeNs = before.CpuTimeNs + 2_500_000_000, // 2.5 s of CPU in 5 s: 50 % of one CPU
            Disks = [before.Disks[0] with { ReadBytes = before.Disks[0].ReadBytes + 5_000_000, WriteRequests = before.Disks[0].WriteRequests + 50 }],
            Nics = [before.Nics[0] with { WriteBytes = before.Nics[0].WriteBytes + 1_000_000 }],
        };
        var at = DateTimeOffset.UnixEpoch.AddDays(20000);
        var stat = VmStat.From("web1", Guid.Empty, "hv1", before, at, after, at.AddSeconds(5));
        Assert.Equal((50.0, 1_000_000.0, 10.0, 200_000.0, 0.0), (stat.CpuPercent!.Value, stat.DiskReadBytesPerSecond!.Value, stat.DiskWriteOpsPerSecond!.Value,
            stat.NetSendBytesPerSecond!.Value, stat.NetReceiveBytesPerSecond!.Value));
        Assert.Equal((4096L, 4096L, 488L), (stat.MemoryMiB!.Value, stat.BalloonMiB!.Value, stat.GuestUsedMiB!.Value));
        var restarted = VmStat.From("web1", Guid.Empty, "hv1", before, at, before with { CpuTimeNs = 1_000 }, at.AddSeconds(5));
        Assert.Null(restarted.CpuPercent);
        var once = VmStat.From("web1", Guid.Empty, "hv1", before, at, null, default);
        Assert.Null(once.Interval);
        Assert.Equal(2, once.Vcpus);
    }

    [Fact]
    public void PVC_s_network_stats_document_reads_and_writes_back()
    {
        const string pvc = """{"eno1": {"rx_bps": 8000, "rx_pps": 10, "tx_bps": 16000, "tx_pps": 20, "total_bps": 24000, "total_pps": 30, "link_speed": 1000000000, "state": "up"}}""";
        var read = Assert.Single(NodeInterfaceStats.ParseAll(pvc));
        Assert.Equal(new NodeInterfaceStats("eno1", 8000, 10, 16000, 20, 1_000_000_000, "up"), read);
        Assert.Equal(pvc, NodeInterfaceStats.EncodeAll([read]));
        Assert.Empty(NodeInterfaceStats.ParseAll("{}"));
    }
}
