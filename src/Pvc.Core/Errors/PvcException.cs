namespace Pvc.Core.Errors;

/// <summary>
/// The base of Core's typed errors: each says what was wrong and what to do. The PowerShell module maps
/// each subclass to an ErrorRecord category (<see cref="PvcErrorKind"/>) and uses <see cref="ErrorId"/>.
/// </summary>
public abstract class PvcException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>A stable identifier of the error, e.g. "VmNotFound" (PowerShell's ErrorId).</summary>
    public abstract string ErrorId { get; }

    /// <summary>The kind of error (PowerShell's ErrorCategory).</summary>
    public abstract PvcErrorKind Kind { get; }

    /// <summary>The object the error is about (a VM name, a node name, ...), when there is one.</summary>
    public object? Target { get; init; }
}

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
    /// <summary>Someone else changed the object meanwhile.</summary>
    WriteConflict,
    /// <summary>The cluster's policy does not allow it (an administrator can change the policy).</summary>
    NotAllowed,
}

/// <summary>An argument is malformed.</summary>
public sealed class PvcArgumentException(string errorId, string message) : PvcException(message)
{
    /// <inheritdoc />
    public override string ErrorId { get; } = errorId;

    /// <inheritdoc />
    public override PvcErrorKind Kind => PvcErrorKind.InvalidArgument;
}

/// <summary>The object named does not exist.</summary>
public sealed class PvcNotFoundException(string errorId, string message) : PvcException(message)
{
    /// <inheritdoc />
    public override string ErrorId { get; } = errorId;

    /// <inheritdoc />
    public override PvcErrorKind Kind => PvcErrorKind.NotFound;
}

/// <summary>The object exists already.</summary>
public sealed class PvcAlreadyExistsException(string errorId, string message) : PvcException(message)
{
    /// <inheritdoc />
    public override string ErrorId { get; } = errorId;

    /// <inheritdoc />
    public override PvcErrorKind Kind => PvcErrorKind.AlreadyExists;
}

/// <summary>The object's state does not allow the operation (PVC's refusals).</summary>
public sealed class PvcInvalidOperationException(string errorId, string message) : PvcException(message)
{
    /// <inheritdoc />
    public override string ErrorId { get; } = errorId;

    /// <inheritdoc />
    public override PvcErrorKind Kind => PvcErrorKind.InvalidOperation;
}

/// <summary>No resource can take the request.</summary>
public sealed class PvcResourceUnavailableException(string errorId, string message) : PvcException(message)
{
    /// <inheritdoc />
    public override string ErrorId { get; } = errorId;

    /// <inheritdoc />
    public override PvcErrorKind Kind => PvcErrorKind.ResourceUnavailable;
}

/// <summary>The cluster's data is not what this version can work with (unknown schema version, not initialised).</summary>
public sealed class PvcDataException(string errorId, string message) : PvcException(message)
{
    /// <inheritdoc />
    public override string ErrorId { get; } = errorId;

    /// <inheritdoc />
    public override PvcErrorKind Kind => PvcErrorKind.InvalidData;
}

/// <summary>A wait for an outcome ran out of time.</summary>
public sealed class PvcTimeoutException(string errorId, string message) : PvcException(message)
{
    /// <inheritdoc />
    public override string ErrorId { get; } = errorId;

    /// <inheritdoc />
    public override PvcErrorKind Kind => PvcErrorKind.OperationTimeout;
}

/// <summary>Someone else changed the object between our read and our write; nothing was written. Try again.</summary>
public sealed class PvcWriteConflictException(string errorId, string message, Exception? inner = null) : PvcException(message, inner)
{
    /// <inheritdoc />
    public override string ErrorId { get; } = errorId;

    /// <inheritdoc />
    public override PvcErrorKind Kind => PvcErrorKind.WriteConflict;
}
