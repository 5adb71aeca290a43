namespace Pvc.NodeService.Ceph.Osds;

/// <summary>
/// Starts and stops the ceph-osd daemon of an OSD on this node. On a PVC node that is systemd's
/// <c>ceph-osd@&lt;id&gt;</c> (<see cref="SystemdOsdDaemons"/>); the tests' Ceph lab runs its daemons as plain processes.
/// </summary>
public interface IOsdDaemons
{
    /// <summary>Starts the OSD's daemon over its prepared data folder.</summary>
    Task StartAsync(int id, string dataPath, CancellationToken cancellationToken);

    /// <summary>Stops the OSD's daemon; a daemon not running is no error.</summary>
    Task StopAsync(int id, CancellationToken cancellationToken);
}
