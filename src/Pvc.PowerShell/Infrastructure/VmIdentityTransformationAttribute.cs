using System.Management.Automation;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// Binds a name, a UUID, a Guid or a VM object to a <see cref="PvcVmIdentity"/> parameter, keeping the cluster a piped
/// object carries (a conversion by constructor would see only the object, not its note properties).
/// </summary>
public sealed class VmIdentityTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) =>
        PvcVmIdentity.From(inputData)
        ?? throw new ArgumentTransformationMetadataException(
            $"'{inputData}' names no VM: give a VM's name or UUID, or a VM object from Get-PvcVm.");
}
