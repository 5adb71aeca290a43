using Microsoft.Extensions.Time.Testing;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Daemon;
using Pvc.NodeService.Fencing;

namespace Pvc.NodeService.Tests.Fencing;

public sealed class KeepaliveTrackerTests
{
    [Fact]
    public void Silence_counts_from_the_last_change_seen_and_starts_afresh_after_a_cut_off()
    {
        var time = new FakeTimeProvider();
        var tracker = new KeepaliveTracker(time);
        Assert.Equal(TimeSpan.Zero, tracker.Observe("hv1", "100"));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(2), tracker.Observe("hv1", "100"));
        Assert.Equal(TimeSpan.Zero, tracker.Observe("hv1", "101")); // it wrote
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(TimeSpan.FromSeconds(4), tracker.Observe("hv1", "101"));

        // after the monitor was cut off, an old keepalive is no evidence: the full threshold again
        tracker.Restart();
        Assert.Equal(TimeSpan.Zero, tracker.Observe("hv1", "101"));
        // a node first seen now starts at zero too, whatever its keepalive says
        Assert.Equal(TimeSpan.Zero, tracker.Observe("hv2", "5"));
    }

    [Fact]
    public void A_node_counts_as_cut_off_only_with_self_fencing_on_and_after_its_limit()
    {
        var time = new FakeTimeProvider();
        var clock = new KeepaliveClock(time);
        var off = new NodeConfig { ClusterName = "c", NodeName = "hv1", ZooKeeper = "z", KeepaliveInterval = TimeSpan.FromSeconds(1) };
        var on = off with { Fencing = new FencingSettings { SuicideIntervals = 3 } };
        time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.False(SelfFence.IsCutOff(on, clock));
        time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.True(SelfFence.IsCutOff(on, clock));
        Assert.False(SelfFence.IsCutOff(off, clock)); // off by default, as PVC
        clock.Record();
        Assert.False(SelfFence.IsCutOff(on, clock));
    }

    [Theory]
    [InlineData("10.0.0.5", "10.0.0.5", null)]
    [InlineData("127.0.0.1:19623", "127.0.0.1", 19623)]
    [InlineData("[fd00::5]:623", "fd00::5", 623)]
    [InlineData("fd00::5", "fd00::5", null)]
    [InlineData("hv1-lom.example.com", "hv1-lom.example.com", null)]
    public void A_BMC_address_may_carry_a_port(string text, string host, int? port)
    {
        var bmc = BmcAddress.FromKeys(text, "admin", "pw");
        Assert.Equal((host, port), (bmc!.Host, bmc.Port));
        Assert.DoesNotContain("pw", bmc.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("None")]
    [InlineData("host:99999")]
    [InlineData("host:port")]
    public void No_usable_BMC_address_is_no_BMC(string text) => Assert.Null(BmcAddress.FromKeys(text, "admin", "pw"));
}
