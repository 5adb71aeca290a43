namespace Pvc.ZooKeeper.Protocol;

/// <summary>The server's answer to a ConnectRequest: a timeout of 0 or less means the session expired.</summary>
internal sealed record ConnectResponse(int TimeoutMs, long SessionId, byte[] Password);
