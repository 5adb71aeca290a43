using Microsoft.Win32.SafeHandles;

namespace Pvc.NodeService.Ceph.Native;

/// <summary>
/// Owns a <c>rados_ioctx_t</c> (a pool's I/O context) and destroys it; it holds a reference on its cluster handle from
/// creation to release, because librados requires every context destroyed before the cluster is shut down.
/// </summary>
internal sealed class IoContextHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private readonly RadosClusterHandle _cluster;

    public IoContextHandle(RadosClusterHandle cluster, IntPtr ioctx)
        : base(ownsHandle: true)
    {
        _cluster = cluster;
        var added = false;
        cluster.DangerousAddRef(ref added);
        SetHandle(ioctx);
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        RadosNative.rados_ioctx_destroy(handle);
        _cluster.DangerousRelease();
        return true;
    }
}
