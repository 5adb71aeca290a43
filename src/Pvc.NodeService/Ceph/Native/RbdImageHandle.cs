using Microsoft.Win32.SafeHandles;

namespace Pvc.NodeService.Ceph.Native;

/// <summary>Owns an open <c>rbd_image_t</c> and closes it.</summary>
internal sealed class RbdImageHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Used by the source-generated marshaller; <c>rbd_open</c> fills the pointer.</summary>
    public RbdImageHandle()
        : base(ownsHandle: true)
    {
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => RbdNative.rbd_close(handle) >= 0;
}
