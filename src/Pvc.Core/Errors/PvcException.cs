using Pvc.ZooKeeper;

namespace Pvc.Core.Errors;

/// <summary>
/// Core's error: what was wrong and what to do, of a <see cref="Kind"/> (PowerShell's ErrorCategory) with a stable
/// <see cref="ErrorId"/> (one of <see cref="PvcErrorIds"/>). The ZooKeeper client's errors reach Core's callers as
/// this too (<see cref="From"/>), so nothing above Core needs the client's types.
/// </summary>
public sealed class PvcException(PvcErrorKind kind, string errorId, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>A stable identifier of the error, e.g. <see cref="PvcErrorIds.VmNotFound"/> (PowerShell's ErrorId).</summary>
    public string ErrorId { get; } = errorId;

    /// <summary>The kind of error (PowerShell's ErrorCategory).</summary>
    public PvcErrorKind Kind { get; } = kind;

    /// <summary>The object the error is about (a VM name, a node name, ...), when there is one.</summary>
    public object? Target { get; init; }

    /// <summary>What the error carries besides its message, when its id says so (a DomainXmlRefusal for <see cref="PvcErrorIds.DomainXmlNotAllowed"/>).</summary>
    public object? Detail { get; init; }

    /// <summary>The same error with <paramref name="advice"/> after its message (a caller's hint in its own terms); this is its inner exception.</summary>
    public PvcException WithAdvice(string advice) =>
        new(Kind, ErrorId, $"{Message} {advice}", this) { Target = Target, Detail = Detail };

    /// <summary>
    /// An exception from Core as Core's error: a <see cref="PvcException"/> as it is, a ZooKeeper error mapped to its
    /// kind (access denied, request too large, session expired, no server reachable, a key changed or gone between a
    /// read and a write as a write conflict, any other as a connection error "ZooKeeper&lt;code&gt;"), or null for
    /// anything else (a bug, which should propagate).
    /// </summary>
    public static PvcException? From(Exception exception) => exception switch
    {
        PvcException p => p,
        NoAuthException z => new PvcException(PvcErrorKind.AccessDenied, PvcErrorIds.AccessDenied, z.Message, z),
        RequestTooLargeException z => new PvcException(PvcErrorKind.LimitExceeded, PvcErrorIds.RequestTooLarge, z.Message, z),
        SessionExpiredException z => new PvcException(PvcErrorKind.ConnectionError, PvcErrorIds.SessionExpired, z.Message, z),
        ConnectionLossException z => new PvcException(PvcErrorKind.ConnectionError, PvcErrorIds.ClusterUnreachable, z.Message, z),
        // an operation that checks versions maps these itself, naming what changed; one that does not still lost a race,
        // which is no connection error: reading again and retrying is what helps
        BadVersionException or NoNodeException or NodeExistsException or NotEmptyException => new PvcException(PvcErrorKind.WriteConflict,
            PvcErrorIds.ClusterChangedMeanwhile, $"{exception.Message} The cluster changed meanwhile; nothing was written. Try again.", exception),
        ZooKeeperException z => new PvcException(PvcErrorKind.ConnectionError, "ZooKeeper" + z.Code, z.Message, z),
        _ => null,
    };
}
