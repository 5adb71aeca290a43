namespace Pvc.NodeService.Libvirt;

/// <summary>
/// A libvirt call failed. Carries libvirt's own error (code, the part of libvirt that raised it, message), read
/// with <c>virGetLastError</c> on the calling thread right after the failing call.
/// </summary>
public sealed class LibvirtException : Exception
{
    /// <summary>Creates the exception from libvirt's error fields.</summary>
    /// <param name="operation">The libvirt function that failed, for example <c>virDomainCreateXML</c>.</param>
    /// <param name="code">libvirt's error code (<c>virErrorNumber</c>).</param>
    /// <param name="errorDomain">The part of libvirt that raised it (<c>virErrorDomain</c>, for example 12 for the test driver).</param>
    /// <param name="libvirtMessage">libvirt's message, or null when it gave none.</param>
    public LibvirtException(string operation, LibvirtErrorCode code, int errorDomain, string? libvirtMessage)
        : base($"{operation} failed: {libvirtMessage ?? "libvirt reported no error"} (code {(int)code} {code}, domain {errorDomain})")
    {
        Operation = operation;
        Code = code;
        ErrorDomain = errorDomain;
        LibvirtMessage = libvirtMessage;
    }

    /// <summary>The libvirt function that failed.</summary>
    public string Operation { get; }

    /// <summary>libvirt's error code; values without a name in <see cref="LibvirtErrorCode"/> are kept as they are.</summary>
    public LibvirtErrorCode Code { get; }

    /// <summary>The part of libvirt that raised the error (<c>virErrorDomain</c>).</summary>
    public int ErrorDomain { get; }

    /// <summary>libvirt's own message, or null.</summary>
    public string? LibvirtMessage { get; }

    /// <summary>
    /// True when the hypervisor driver cannot do this at all (as opposed to failing this time):
    /// <see cref="LibvirtErrorCode.NoSupport"/>, <see cref="LibvirtErrorCode.ArgumentUnsupported"/> or
    /// <see cref="LibvirtErrorCode.OperationUnsupported"/>. libvirt's test driver answers every migration call so:
    /// <c>virDomainMigrateSetMaxDowntime</c> with NoSupport, <c>virDomainMigrateToURI</c> with ArgumentUnsupported
    /// ("p2p migration is not supported by the source host"). The node service then falls back to shutdown migration.
    /// </summary>
    public bool IsUnsupported =>
        Code is LibvirtErrorCode.NoSupport or LibvirtErrorCode.ArgumentUnsupported or LibvirtErrorCode.OperationUnsupported;

    /// <summary>True when the domain does not exist (or disappeared during the call).</summary>
    public bool IsNoDomain => Code == LibvirtErrorCode.NoDomain;
}
