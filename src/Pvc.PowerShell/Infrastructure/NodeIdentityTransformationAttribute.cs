using System.Management.Automation;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>Binds a name or a node object to a <see cref="PvcNodeIdentity"/> parameter, keeping the cluster a piped object carries.</summary>
public sealed class NodeIdentityTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) =>
        PvcNodeIdentity.From(inputData)
        ?? throw new ArgumentTransformationMetadataException(
            $"'{inputData}' names no node: give a node's name, or a node object from Get-PvcNode.");
}
