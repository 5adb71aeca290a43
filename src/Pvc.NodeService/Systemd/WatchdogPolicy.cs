using Pvc.NodeService.Configuration;

namespace Pvc.NodeService.Systemd;

/// <summary>
/// When the service stops pinging systemd's watchdog, and which watchdog times self-fencing rules out.
/// </summary>
/// <remarks>
/// The service pings every half watchdog time while its keepalives reach ZooKeeper and stops after
/// <see cref="PingsStopAfter"/> of silence; systemd then kills and restarts it a watchdog time after the last ping.
/// The keepalive clock goes on across the restart (<see cref="Daemon.KeepaliveClock"/>), but a restart that falls
/// just before self-fencing would act delays it by the restart's own time, past the fencer's margin (the fencer moves
/// the VMs after suicide_intervals + 2 intervals). So the watchdog must not be able to fire before self-fencing has
/// acted: <see cref="Check"/>.
/// </remarks>
internal static class WatchdogPolicy
{
    /// <summary>Keepalive silence after which the pings stop: two intervals and a second.</summary>
    public static TimeSpan PingsStopAfter(NodeConfig config) => config.KeepaliveInterval * 2 + TimeSpan.FromSeconds(1);

    /// <summary>
    /// The earliest systemd can kill the service after its last keepalive: the last ping falls less than half a
    /// watchdog time before the pings stop, and systemd waits a whole watchdog time after it.
    /// </summary>
    public static TimeSpan EarliestRestart(NodeConfig config, TimeSpan watchdog) => PingsStopAfter(config) + watchdog / 2;

    /// <summary>When self-fencing has surely acted: suicide_intervals, and one more interval to look and stop the VMs.</summary>
    public static TimeSpan SelfFencedBy(NodeConfig config) => config.KeepaliveInterval * (config.Fencing.SuicideIntervals + 1);

    /// <summary>
    /// The watchdog time systemd gave this process (WATCHDOG_USEC, for this process when WATCHDOG_PID says so), or
    /// null when it runs without one.
    /// </summary>
    public static TimeSpan? FromEnvironment()
    {
        if (!long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), out var usec) || usec <= 0)
            return null;
        if (int.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_PID"), out var pid) && pid != Environment.ProcessId)
            return null;
        return TimeSpan.FromMicroseconds(usec);
    }

    /// <summary>Null when the watchdog cannot fire before self-fencing acts; else why, naming the settings.</summary>
    public static string? Check(NodeConfig config, TimeSpan? watchdog)
    {
        if (watchdog is not { } w || config.Fencing.SuicideIntervals <= 0)
            return null;
        var restart = EarliestRestart(config, w);
        var fenced = SelfFencedBy(config);
        if (restart >= fenced)
            return null;
        var needed = (fenced - PingsStopAfter(config)) * 2;
        return $"systemd's watchdog (WatchdogSec={w.TotalSeconds:0.###}) could restart the service {restart.TotalSeconds:0.#} s into a loss of ZooKeeper, " +
            $"before self-fencing acts (fencing.intervals.suicide_intervals {config.Fencing.SuicideIntervals} x timer.keepalive_interval " +
            $"{config.KeepaliveInterval.TotalSeconds:0} s, plus an interval: {fenced.TotalSeconds:0} s); set WatchdogSec to at least " +
            $"{Math.Ceiling(needed.TotalSeconds):0} in the unit, or lower suicide_intervals";
    }
}
