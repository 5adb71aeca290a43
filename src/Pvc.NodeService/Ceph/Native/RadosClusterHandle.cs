using Microsoft.Win32.SafeHandles;

namespace Pvc.NodeService.Ceph.Native;

/// <summary>Owns a <c>rados_t</c> and shuts it down. I/O contexts hold a reference on it, so it outlives them.</summary>
internal sealed class RadosClusterHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Used by the source-generated marshaller; <c>rados_create2</c> fills the pointer.</summary>
    public RadosClusterHandle()
        : base(ownsHandle: true)
    {
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        RadosNative.rados_shutdown(handle);
        return true;
    }
}
