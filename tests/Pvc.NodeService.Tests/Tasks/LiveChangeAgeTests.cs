using Pvc.NodeService.Tasks;

namespace Pvc.NodeService.Tests.Tasks;

/// <summary>
/// Review of 2026-12-03 (9): a live change's age is its task znode's mtime less its ctime, each stamped by whichever
/// ZooKeeper leader handled that write; after a leader change between two servers whose clocks differ the age can be
/// negative, and a negative age passed every deadline. An age that cannot be measured (negative, or the task gone) is
/// now past the deadline: the change is not made (LiveChangeExpired).
/// </summary>
public sealed class LiveChangeAgeTests
{
    [Theory]
    [InlineData(0, 60, true)]
    [InlineData(59_999, 60, true)]
    [InlineData(60_000, 60, true)]
    [InlineData(60_001, 60, false)]
    [InlineData(-1, 60, false)]
    [InlineData(-3_600_000, 60, false)]
    public void A_negative_age_on_ZooKeepers_clock_is_past_the_deadline(long ageMs, int allowedSeconds, bool inTime)
    {
        Assert.Equal(inTime, VmLiveChangeHandler.InTime(TimeSpan.FromMilliseconds(ageMs), TimeSpan.FromSeconds(allowedSeconds)));
        Assert.False(VmLiveChangeHandler.InTime(null, TimeSpan.FromSeconds(allowedSeconds)));
    }
}
