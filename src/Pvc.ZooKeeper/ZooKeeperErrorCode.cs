namespace Pvc.ZooKeeper;

/// <summary>ZooKeeper's error codes (KeeperException.Code), as they travel on the wire.</summary>
public enum ZooKeeperErrorCode
{
    /// <summary>No error.</summary>
    Ok = 0,
    /// <summary>A server-side system error.</summary>
    SystemError = -1,
    /// <summary>A transaction was rolled back because another of its operations failed.</summary>
    RuntimeInconsistency = -2,
    /// <summary>Data inconsistency on the server.</summary>
    DataInconsistency = -3,
    /// <summary>The connection to the server was lost before the answer arrived.</summary>
    ConnectionLoss = -4,
    /// <summary>A marshalling error.</summary>
    MarshallingError = -5,
    /// <summary>The operation is not implemented by the server.</summary>
    Unimplemented = -6,
    /// <summary>The operation timed out.</summary>
    OperationTimeout = -7,
    /// <summary>Invalid arguments.</summary>
    BadArguments = -8,
    /// <summary>The session is not known to the server.</summary>
    UnknownSession = -12,
    /// <summary>A generic API error.</summary>
    ApiError = -100,
    /// <summary>The znode does not exist.</summary>
    NoNode = -101,
    /// <summary>Not authorised by the znode's ACL.</summary>
    NoAuth = -102,
    /// <summary>The version given does not match the znode's version.</summary>
    BadVersion = -103,
    /// <summary>Ephemeral znodes cannot have children.</summary>
    NoChildrenForEphemerals = -108,
    /// <summary>The znode already exists.</summary>
    NodeExists = -110,
    /// <summary>The znode has children.</summary>
    NotEmpty = -111,
    /// <summary>The session has expired.</summary>
    SessionExpired = -112,
    /// <summary>Invalid callback.</summary>
    InvalidCallback = -113,
    /// <summary>Invalid ACL.</summary>
    InvalidAcl = -114,
    /// <summary>Authentication failed.</summary>
    AuthFailed = -115,
    /// <summary>The session moved to another server.</summary>
    SessionMoved = -118,
    /// <summary>The server is read-only.</summary>
    NotReadOnly = -119,
    /// <summary>Ephemeral znode on a local session.</summary>
    EphemeralOnLocalSession = -120,
    /// <summary>No such watcher.</summary>
    NoWatcher = -121,
    /// <summary>The request timed out on the server.</summary>
    RequestTimeout = -122,
    /// <summary>Reconfiguration is disabled.</summary>
    ReconfigDisabled = -123,
    /// <summary>The session was closed and requires SASL authentication.</summary>
    SessionClosedRequireSaslAuth = -124,
    /// <summary>A quota was exceeded.</summary>
    QuotaExceeded = -125,
    /// <summary>The server throttled the request.</summary>
    Throttled = -127,
}
