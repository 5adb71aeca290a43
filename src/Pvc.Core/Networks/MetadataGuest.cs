namespace Pvc.Core.Networks;

/// <summary>
/// What the primary's metadata API (PVC's <c>MetadataAPIInstance</c>) tells a guest about itself: the VM found by the
/// guest's source address through a DHCP lease of a managed network and that lease's MAC on one of the VM's NICs.
/// </summary>
/// <param name="Uuid">The VM's UUID (the EC2 <c>instance-id</c>).</param>
/// <param name="Name">The VM's name.</param>
/// <param name="Profile">The provisioner profile it came from, or null.</param>
public sealed record MetadataGuest(Guid Uuid, string Name, string? Profile);
