using Pvc.Core.Schema;

namespace Pvc.Core.Storage;

/// <summary>A VM that has a volume among its disks (its <c>/rbdlist</c>).</summary>
/// <param name="Uuid">The VM.</param>
/// <param name="Name">Its name.</param>
/// <param name="State">Its state.</param>
/// <param name="Node">The node it is on (runs on, when running).</param>
public sealed record VolumeUser(Guid Uuid, string? Name, VmState State, string? Node)
{
    /// <summary>True when the VM runs (or is migrating), so that its guest sees the volume.</summary>
    public bool IsRunning => State is VmState.Start or VmState.Migrate or VmState.MigrateLive or VmState.Restart;
}
