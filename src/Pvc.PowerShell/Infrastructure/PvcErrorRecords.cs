using System.Management.Automation;
using Pvc.Core.Errors;
using Pvc.Core.Vms;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// The one place ErrorRecords are made of Core's errors: the error's ErrorId, a category for its kind, its target, and
/// the PowerShell hint (which cmdlet or parameter helps) after Core's message, which names none.
/// </summary>
internal static class PvcErrorRecords
{
    /// <summary>An ErrorRecord for a reportable exception (see <see cref="IsReportable"/>); anything else as NotSpecified.</summary>
    public static ErrorRecord From(Exception exception, object? target)
    {
        if (PvcException.From(exception) is not { } error)
            return new ErrorRecord(exception, exception.GetType().Name, ErrorCategory.NotSpecified, target);
        var shown = Hint(error) is { } hint ? error.WithAdvice(hint) : error;
        return new ErrorRecord(shown, error.ErrorId, Category(error.Kind), error.Target ?? target);
    }

    /// <summary>An ErrorRecord of the cmdlet layer's own (a parameter combination Core never sees).</summary>
    public static ErrorRecord Of(Exception exception, string errorId, ErrorCategory category, object? target) =>
        new(exception, errorId, category, target);

    /// <summary>True for the exceptions a cmdlet reports as errors: Core's (ZooKeeper's mapped by Core); anything else is a bug and propagates.</summary>
    public static bool IsReportable(Exception exception) => PvcException.From(exception) is not null;

    /// <summary>What helps, in PowerShell's terms, for the errors where a cmdlet or a parameter does.</summary>
    private static string? Hint(PvcException error) => error.ErrorId switch
    {
        PvcErrorIds.VmNotFound => "Get-PvcVm lists the VMs.",
        PvcErrorIds.NodeNotFound => "Get-PvcNode lists the nodes.",
        PvcErrorIds.VmIsMirror or PvcErrorIds.VmNotStopped or PvcErrorIds.VmAlreadyMigrated => "Use -Force to do it anyway.",
        PvcErrorIds.WaitTimeout when error.Detail is Pvc.Core.Tasks.ClusterTask task => $"Get-PvcTask {task.Id} -Wait waits again.",
        PvcErrorIds.WaitTimeout => "Get-PvcNode shows the nodes' states.",
        PvcErrorIds.InvalidTaskId or PvcErrorIds.TaskNotFound => "Get-PvcTask lists the tasks.",
        PvcErrorIds.NoPrimaryCoordinator => "Get-PvcNode shows the coordinators.",
        PvcErrorIds.PoolExists or PvcErrorIds.PoolNotFound => "Get-PvcPool lists the pools.",
        PvcErrorIds.PoolUsageUnknown or PvcErrorIds.PoolNearlyFull or PvcErrorIds.PoolNotEmpty or PvcErrorIds.NetworkInUse or PvcErrorIds.OsdHoldsLastData => "Use -Force to do it anyway.",
        PvcErrorIds.NetworkAlreadyExists => "Set-PvcNetwork changes it.",
        PvcErrorIds.DhcpReservationNotFound => "Get-PvcDhcpLease -Static lists the reservations.",
        PvcErrorIds.AclNotFound => "Get-PvcNetworkAcl lists the rules.",
        PvcErrorIds.PlacementRuleNotFound => "Get-PvcPlacementRule lists the rules.",
        PvcErrorIds.PlacementRuleUnmet => "Remove-PvcPlacementRule removes a rule; Move-PvcVm -Node names a node.",
        PvcErrorIds.StorageBenchmarkNotFound => "Get-PvcStorageBenchmark lists the benchmarks.",
        PvcErrorIds.NoRbdDiskTemplate => "Set-PvcVm -Xml adds the first RBD disk.",
        PvcErrorIds.VmXmlInvalid => "Set-PvcVm -Xml gives it a definition.",
        PvcErrorIds.CredentialRequired => "Connect-PvcCluster -Credential gives them.",
        PvcErrorIds.DomainXmlNotAllowed when error.Detail is DomainXmlRefusal { Use.HostPath: not null } refusal =>
            $"To allow it: Set-PvcCluster -AllowDomainXmlPath with a directory that holds {refusal.Use.HostPath} (the list given replaces the cluster's), or Set-PvcCluster -AllowDomainXml {string.Join(", ", refusal.Allowing)}.",
        PvcErrorIds.DomainXmlNotAllowed when error.Detail is DomainXmlRefusal refusal =>
            $"To allow it: Set-PvcCluster -AllowDomainXml {string.Join(", ", refusal.Allowing)}.",
        _ => null,
    };

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
        PvcErrorKind.AccessDenied => ErrorCategory.PermissionDenied,
        PvcErrorKind.LimitExceeded => ErrorCategory.LimitsExceeded,
        PvcErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        _ => ErrorCategory.NotSpecified,
    };
}
