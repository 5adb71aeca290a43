using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Pvc.NodeService.Daemon;

namespace Pvc.NodeService.Systemd;

/// <summary>
/// Pings systemd's watchdog (WatchdogSec= in the unit) while the service is healthy: the hosting library sends
/// only READY and STOPPING. A node whose keepalive has not reached ZooKeeper for two intervals stops pinging, so
/// systemd restarts a hung service; running VMs survive a restart, and so does the count of silence that self-fencing
/// follows (<see cref="KeepaliveClock"/>). Watchdog times that could restart it before self-fencing acts are refused
/// at start (<see cref="WatchdogPolicy"/>).
/// </summary>
internal sealed class SystemdWatchdog(ISystemdNotifier notifier, NodeDaemon daemon, Configuration.NodeConfig config) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!notifier.IsEnabled || !long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), out var usec) || usec <= 0)
            return;
        using var timer = new PeriodicTimer(TimeSpan.FromMicroseconds(usec / 2.0));
        while (await timer.WaitForNextTickAsync(stoppingToken).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default))
        {
            if (daemon.Keepalives.Since < WatchdogPolicy.PingsStopAfter(config))
                notifier.Notify(new ServiceState("WATCHDOG=1"));
        }
    }
}
