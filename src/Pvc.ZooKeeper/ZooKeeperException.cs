namespace Pvc.ZooKeeper;

/// <summary>
/// A ZooKeeper operation failed. Catch a subclass for the cases a caller handles
/// (<see cref="NoNodeException"/>, <see cref="NodeExistsException"/>, <see cref="BadVersionException"/>, ...).
/// </summary>
public class ZooKeeperException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ZooKeeperException(ZooKeeperErrorCode code, string? path, string? message = null, Exception? inner = null)
        : base(message ?? Describe(code, path), inner)
    {
        Code = code;
        Path = path;
    }

    /// <summary>The server's error code.</summary>
    public ZooKeeperErrorCode Code { get; }

    /// <summary>The znode the failing operation named, if any.</summary>
    public string? Path { get; }

    /// <summary>For a failed transaction: the result of every operation (the failing one carries its error).</summary>
    public IReadOnlyList<OpResult>? TransactionResults { get; internal set; }

    /// <summary>For a failed transaction: the index of the operation that failed.</summary>
    public int? FailedOperationIndex { get; internal set; }

    private static string Describe(ZooKeeperErrorCode code, string? path) =>
        path is null ? $"ZooKeeper error {code}." : $"ZooKeeper error {code} for {path}.";

    /// <summary>The typed exception for an error code.</summary>
    public static ZooKeeperException For(ZooKeeperErrorCode code, string? path) => code switch
    {
        ZooKeeperErrorCode.NoNode => new NoNodeException(path),
        ZooKeeperErrorCode.NodeExists => new NodeExistsException(path),
        ZooKeeperErrorCode.BadVersion => new BadVersionException(path),
        ZooKeeperErrorCode.NotEmpty => new NotEmptyException(path),
        ZooKeeperErrorCode.NoAuth => new NoAuthException(path),
        ZooKeeperErrorCode.AuthFailed => new AuthFailedException(),
        ZooKeeperErrorCode.ConnectionLoss => new ConnectionLossException(path),
        ZooKeeperErrorCode.SessionExpired => new SessionExpiredException(),
        ZooKeeperErrorCode.NoChildrenForEphemerals => new NoChildrenForEphemeralsException(path),
        ZooKeeperErrorCode.InvalidAcl => new InvalidAclException(path),
        ZooKeeperErrorCode.BadArguments => new BadArgumentsException(path),
        _ => new ZooKeeperException(code, path),
    };
}

/// <summary>The znode does not exist.</summary>
public sealed class NoNodeException(string? path)
    : ZooKeeperException(ZooKeeperErrorCode.NoNode, path, $"The znode {path} does not exist.");

/// <summary>The znode already exists.</summary>
public sealed class NodeExistsException(string? path)
    : ZooKeeperException(ZooKeeperErrorCode.NodeExists, path, $"The znode {path} already exists.");

/// <summary>The expected version did not match: someone else changed the znode first.</summary>
public sealed class BadVersionException(string? path)
    : ZooKeeperException(ZooKeeperErrorCode.BadVersion, path, $"The znode {path} has another version than the one expected; it was changed meanwhile.");

/// <summary>The znode still has children.</summary>
public sealed class NotEmptyException(string? path)
    : ZooKeeperException(ZooKeeperErrorCode.NotEmpty, path, $"The znode {path} has children; delete them first.");

/// <summary>The znode's ACL does not allow the operation for this session's identities.</summary>
public sealed class NoAuthException(string? path)
    : ZooKeeperException(ZooKeeperErrorCode.NoAuth, path, $"Not authorised for {path}; add credentials that its ACL allows.");

/// <summary>The server refused the credentials given with AddAuth.</summary>
public sealed class AuthFailedException()
    : ZooKeeperException(ZooKeeperErrorCode.AuthFailed, null, "ZooKeeper refused the credentials.");

/// <summary>Ephemeral znodes cannot have children.</summary>
public sealed class NoChildrenForEphemeralsException(string? path)
    : ZooKeeperException(ZooKeeperErrorCode.NoChildrenForEphemerals, path, $"The znode {path} is ephemeral and cannot have children.");

/// <summary>The ACL given is not valid.</summary>
public sealed class InvalidAclException(string? path)
    : ZooKeeperException(ZooKeeperErrorCode.InvalidAcl, path, $"The ACL for {path} is not valid.");

/// <summary>The server refused the request's arguments.</summary>
public sealed class BadArgumentsException(string? path)
    : ZooKeeperException(ZooKeeperErrorCode.BadArguments, path, $"ZooKeeper refused the arguments for {path}.");

/// <summary>
/// The request is larger than the client's <see cref="ZooKeeperClientOptions.MaxRequestSize"/> (the servers'
/// jute.maxbuffer): it was not sent, and the connection and the other requests carry on.
/// </summary>
public sealed class RequestTooLargeException(string? path, int size, int limit)
    : ZooKeeperException(ZooKeeperErrorCode.BadArguments, path,
        $"The request{(path is null ? "" : $" for {path}")} is {size} bytes; ZooKeeper takes at most {limit} (jute.maxbuffer). It was not sent.")
{
    /// <summary>The request's size in bytes (header and body).</summary>
    public int Size { get; } = size;

    /// <summary>The client's limit in bytes.</summary>
    public int Limit { get; } = limit;
}

/// <summary>
/// The connection dropped before the answer arrived: the operation may or may not have been applied.
/// The session may still be alive; the client reconnects on its own.
/// </summary>
public sealed class ConnectionLossException(string? path, string? detail = null, Exception? inner = null)
    : ZooKeeperException(ZooKeeperErrorCode.ConnectionLoss, path, detail ?? "The connection to ZooKeeper was lost before the answer arrived.", inner);

/// <summary>
/// The session expired: its ephemeral znodes and watches are gone. The client cannot be used any more;
/// create a new one.
/// </summary>
public sealed class SessionExpiredException()
    : ZooKeeperException(ZooKeeperErrorCode.SessionExpired, null, "The ZooKeeper session has expired; connect again with a new client.");

/// <summary>The client was closed.</summary>
public sealed class ClientClosedException()
    : ZooKeeperException(ZooKeeperErrorCode.ConnectionLoss, null, "The ZooKeeper client is closed.");

/// <summary>The server sent something this client cannot read.</summary>
public sealed class ZooKeeperProtocolException(string message)
    : ZooKeeperException(ZooKeeperErrorCode.MarshallingError, null, message);
