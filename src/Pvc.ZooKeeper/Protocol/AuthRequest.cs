namespace Pvc.ZooKeeper.Protocol;

/// <summary>
/// An AuthPacket (xid -4). The server answers auth packets in order, so each connection keeps a
/// queue of them apart from the numbered requests.
/// </summary>
internal sealed class AuthRequest(string scheme, byte[] auth) : PendingRequest<bool>(null)
{
    public string Scheme { get; } = scheme;

    public byte[] Auth { get; } = auth;

    public override OpCode OpCode => OpCode.Auth;

    public override void WriteBody(JuteWriter writer, Chroot chroot)
    {
        writer.WriteInt(0);
        writer.WriteString(Scheme);
        writer.WriteBuffer(Auth);
    }

    protected override bool Read(ZooKeeperErrorCode error, ref JuteReader reader, Chroot chroot, WatchRegistry watches) => true;
}
