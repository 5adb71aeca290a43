namespace Pvc.NodeService.Storage;

/// <summary>
/// Tells a running VM's guest that one of its RBD disks grew (libvirt's blockResize on the VM's node), after
/// volume.resize resized the image. The task runs on the VM's node when the VM runs, so the implementation reaches
/// its own hypervisor. <see cref="GuestVolumeResize"/> is the node service's (libvirt's blockResize); without one, a
/// running guest sees the new size only after its next start.
/// </summary>
public interface IGuestVolumeResize
{
    /// <summary>Resizes the disk backed by <paramref name="pool"/>/<paramref name="volume"/> in VM <paramref name="vm"/> to <paramref name="sizeBytes"/>.</summary>
    Task ResizeAsync(Guid vm, string pool, string volume, long sizeBytes, CancellationToken cancellationToken);
}
