namespace Pvc.Core.Vms;

/// <summary>A disk of a VM, from its libvirt XML.</summary>
/// <param name="Type">rbd, file, block, ...</param>
/// <param name="Source">The RBD image (pool/volume), file or device.</param>
/// <param name="Target">The guest device (vda, sda, ...).</param>
/// <param name="Bus">virtio, scsi, sata, ...</param>
public sealed record VmDisk(string Type, string Source, string? Target, string? Bus);
