namespace Pvc.ZooKeeper.Protocol;

/// <summary>What a <see cref="ServerConnection"/> reports to the session that owns it.</summary>
internal interface IConnectionEvents
{
    /// <summary>A reply carried a transaction id (the session's last seen zxid moves on).</summary>
    void OnZxid(long zxid);

    /// <summary>A watch notification arrived (server path, not yet chroot-stripped).</summary>
    void OnNotification(WatchEventType type, string serverPath);
}
