using Microsoft.Extensions.Time.Testing;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Daemon;
using Pvc.NodeService.Systemd;

namespace Pvc.NodeService.Tests.Daemon;

public sealed class KeepaliveClockTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pvc-run-").FullName;

    private string Stamp => Path.Combine(_dir, "keepalive");

    [Fact]
    public void A_restarted_service_goes_on_counting_from_the_last_keepalive_stamped()
    {
        var time = new FakeTimeProvider();
        var first = new KeepaliveClock(time, Stamp);
        time.Advance(TimeSpan.FromSeconds(3));
        first.Record();
        time.Advance(TimeSpan.FromSeconds(20)); // cut off, then restarted (by systemd's watchdog)

        var second = new KeepaliveClock(time, Stamp);
        Assert.Equal(TimeSpan.FromSeconds(20), second.Since);
        second.Record();
        Assert.Equal(TimeSpan.Zero, new KeepaliveClock(time, Stamp).Since);
    }

    [Fact]
    public void Before_the_first_keepalive_a_restart_counts_from_the_first_start()
    {
        var time = new FakeTimeProvider();
        _ = new KeepaliveClock(time, Stamp);
        time.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(7), new KeepaliveClock(time, Stamp).Since);
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000 5")] // another boot
    [InlineData("garbage")]
    public void A_stamp_of_another_boot_or_unreadable_is_ignored(string text)
    {
        File.WriteAllText(Stamp, text);
        var time = new FakeTimeProvider();
        time.Advance(TimeSpan.FromSeconds(100));
        Assert.Equal(TimeSpan.Zero, new KeepaliveClock(time, Stamp).Since);
    }

    [Fact]
    public void After_a_clean_stop_the_next_start_counts_afresh()
    {
        var time = new FakeTimeProvider();
        var clock = new KeepaliveClock(time, Stamp);
        time.Advance(TimeSpan.FromSeconds(30));
        clock.ForgetStamp();
        Assert.Equal(TimeSpan.Zero, new KeepaliveClock(time, Stamp).Since);
    }

    [Fact]
    public void The_boot_clock_goes_on_across_processes_and_counts_in_nanoseconds()
    {
        var boot = new BootTimeProvider();
        var a = boot.GetTimestamp();
        var b = boot.GetTimestamp();
        Assert.True(b >= a);
        // CLOCK_BOOTTIME is at least the system's uptime
        var uptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(TimeSpan.FromTicks(a / 100).TotalSeconds, uptime - 5, uptime + 5);
    }

    [Theory]
    // keepalive 5 s, suicide 3: self-fenced by 20 s; pings stop after 11 s, so WatchdogSec must give 11 + W/2 >= 20
    [InlineData(5, 3, 30, true)]
    [InlineData(5, 3, 18, true)]
    [InlineData(5, 3, 17, false)]
    [InlineData(5, 6, 30, false)]
    [InlineData(5, 0, 1, true)] // self-fencing off: any watchdog
    [InlineData(1, 20, 10, false)]
    public void A_watchdog_that_could_fire_before_self_fencing_acts_is_refused(int keepalive, int suicide, int watchdogSec, bool accepted)
    {
        var config = new NodeConfig
        {
            ClusterName = "c", NodeName = "hv1", ZooKeeper = "z", KeepaliveInterval = TimeSpan.FromSeconds(keepalive),
            Fencing = new FencingSettings { SuicideIntervals = suicide },
        };
        var problem = WatchdogPolicy.Check(config, TimeSpan.FromSeconds(watchdogSec));
        Assert.Equal(accepted, problem is null);
        if (problem is not null)
            Assert.Contains("WatchdogSec", problem, StringComparison.Ordinal);
        Assert.Null(WatchdogPolicy.Check(config, null));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
