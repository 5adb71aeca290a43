namespace Pvc.Core.Vms;

/// <summary>A VM's identity: its UUID and its name.</summary>
/// <param name="Uuid">The UUID.</param>
/// <param name="Name">The name.</param>
public sealed record VmRef(Guid Uuid, string Name)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}
