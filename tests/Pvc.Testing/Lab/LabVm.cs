namespace Pvc.Testing.Lab;

/// <summary>
/// A VM a lab defines and starts (<see cref="LabCluster.StartVmsAsync"/>): PVC-shaped XML (<see cref="Pvc.PvcSeed.Xml"/>),
/// small enough that a test-driver host takes many.
/// </summary>
/// <param name="Name">The VM's name.</param>
/// <param name="Node">The node it is defined and started on.</param>
public sealed record LabVm(string Name, string Node)
{
    /// <summary>Its UUID: a new one unless a test must know it before the VM exists.</summary>
    public Guid Uuid { get; init; } = Guid.NewGuid();

    /// <summary>Its memory.</summary>
    public int MemoryMiB { get; init; } = 256;

    /// <summary>Its vCPUs.</summary>
    public int Vcpus { get; init; } = 1;

    /// <summary>Its disk's RBD image (<c>pool/volume</c>), or null for PVC's provisioner's default name.</summary>
    public string? Rbd { get; init; }

    /// <summary>Its tags: name and whether protected.</summary>
    public IReadOnlyList<(string Name, bool Protected)> Tags { get; init; } = [];
}
