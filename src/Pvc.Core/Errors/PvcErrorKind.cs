namespace Pvc.Core.Errors;

/// <summary>What kind of error a <see cref="PvcException"/> is.</summary>
public enum PvcErrorKind
{
    /// <summary>An argument is malformed (bad name, bad XML, bad value).</summary>
    InvalidArgument,
    /// <summary>The object named does not exist.</summary>
    NotFound,
    /// <summary>The object exists already (duplicate name or UUID).</summary>
    AlreadyExists,
    /// <summary>The object's current state does not allow the operation.</summary>
    InvalidOperation,
    /// <summary>No resource can take the request (no target node, not enough memory).</summary>
    ResourceUnavailable,
    /// <summary>The cluster's data is not what this version can work with.</summary>
    InvalidData,
    /// <summary>The wait for an outcome ran out.</summary>
    OperationTimeout,
    /// <summary>Someone else changed the object meanwhile; nothing was written. Try again.</summary>
    WriteConflict,
    /// <summary>The cluster's policy does not allow it (an administrator can change the policy).</summary>
    NotAllowed,
    /// <summary>The cluster is closed and the connection's user may not do this.</summary>
    AccessDenied,
    /// <summary>A request exceeds a limit of the servers.</summary>
    LimitExceeded,
    /// <summary>The cluster cannot be reached, or the session with it was lost.</summary>
    ConnectionError,
}
