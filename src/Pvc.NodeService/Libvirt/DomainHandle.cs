using Microsoft.Win32.SafeHandles;

namespace Pvc.NodeService.Libvirt;

/// <summary>Owns one <c>virDomainPtr</c> reference and releases it with <c>virDomainFree</c>.</summary>
internal sealed class DomainHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Used by the source-generated marshaller for functions that return a <c>virDomainPtr</c>.</summary>
    public DomainHandle()
        : base(ownsHandle: true)
    {
    }

    /// <summary>Takes ownership of a pointer libvirt handed out (an element of <c>virConnectListAllDomains</c>).</summary>
    /// <param name="domain">An owned <c>virDomainPtr</c>.</param>
    public DomainHandle(IntPtr domain)
        : base(ownsHandle: true)
    {
        SetHandle(domain);
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => LibvirtNative.virDomainFree(handle) == 0;
}
