namespace Pvc.ZooKeeper.Protocol;

/// <summary>Reserved transaction ids the server uses for non-request traffic.</summary>
internal static class SpecialXid
{
    public const int Notification = -1;
    public const int Ping = -2;
    public const int Auth = -4;
    public const int SetWatches = -8;
}
