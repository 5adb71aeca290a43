using System.Management.Automation;
using Pvc.Core.Cluster;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// Binds <c>-Cluster</c>: a connection, an emitted object's <see cref="ClusterReference"/>, or text (a Cluster column of
/// an exported CSV) naming a connection this runspace has open, by its name and servers as shown. Text that names no open
/// connection is refused, so an imported row never acts on another cluster than the one it came from.
/// </summary>
public sealed class ClusterTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) =>
        (inputData is PSObject wrapped ? wrapped.BaseObject : inputData) switch
        {
            ClusterReference reference => reference.Connection,
            string text => ClusterOfObject.Named(text),
            _ => inputData,
        };
}
