using System.Management.Automation;
using Pvc.Core.Errors;
using Pvc.ZooKeeper;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>Core's typed errors as ErrorRecords: the error's ErrorId, a category for its kind, and its target.</summary>
internal static class PvcErrorRecords
{
    public static ErrorRecord From(Exception exception, object? target) => exception switch
    {
        PvcException p => new ErrorRecord(p, p.ErrorId, Category(p.Kind), p.Target ?? target),
        NoAuthException z => new ErrorRecord(z, "AccessDenied", ErrorCategory.PermissionDenied, target),
        RequestTooLargeException z => new ErrorRecord(z, "RequestTooLarge", ErrorCategory.LimitsExceeded, target),
        SessionExpiredException z => new ErrorRecord(z, "SessionExpired", ErrorCategory.ConnectionError, target),
        ZooKeeperException z => new ErrorRecord(z, "ZooKeeper" + z.Code, ErrorCategory.ConnectionError, target),
        _ => new ErrorRecord(exception, exception.GetType().Name, ErrorCategory.NotSpecified, target),
    };

    /// <summary>True for the exceptions a cmdlet reports as errors (anything else is a bug and propagates).</summary>
    public static bool IsReportable(Exception exception) => exception is PvcException or ZooKeeperException;

    private static ErrorCategory Category(PvcErrorKind kind) => kind switch
    {
        PvcErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        PvcErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        PvcErrorKind.AlreadyExists => ErrorCategory.ResourceExists,
        PvcErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        PvcErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        PvcErrorKind.InvalidData => ErrorCategory.InvalidData,
        PvcErrorKind.OperationTimeout => ErrorCategory.OperationTimeout,
        PvcErrorKind.WriteConflict => ErrorCategory.WriteError,
        PvcErrorKind.NotAllowed => ErrorCategory.PermissionDenied,
        _ => ErrorCategory.NotSpecified,
    };
}
