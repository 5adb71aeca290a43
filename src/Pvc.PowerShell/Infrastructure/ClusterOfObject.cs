using System.Management.Automation;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// The cluster an emitted object came from, carried as its <c>Cluster</c> note property: piped on, it binds to
/// <c>-Cluster</c> by property name and names the cluster in an identity (<see cref="PvcVmIdentity"/>,
/// <see cref="PvcNodeIdentity"/>), so the next cmdlet acts where the object came from, not on the default connection.
/// PowerShell keeps a reference object's note properties with the object itself, so they survive variables too.
/// </summary>
internal static class ClusterOfObject
{
    /// <summary>The property's name, that of the cmdlets' <c>-Cluster</c> parameter.</summary>
    public const string PropertyName = "Cluster";

    /// <summary>The object, wrapped, with its cluster attached (an object that carries one already keeps it).</summary>
    public static PSObject Attach(object item, ClusterConnection cluster)
    {
        var wrapped = PSObject.AsPSObject(item);
        if (wrapped.Properties[PropertyName] is null)
            wrapped.Properties.Add(new PSNoteProperty(PropertyName, new ClusterReference(cluster)));
        return wrapped;
    }

    /// <summary>
    /// The cluster an object carries, or null: an emitted object's, one that Select-Object kept, or the text of a CSV's
    /// Cluster column naming an open connection of this runspace. A row that names no open connection is refused
    /// (<see cref="ArgumentTransformationMetadataException"/>): its name must not be looked up in another cluster.
    /// </summary>
    public static ClusterConnection? Of(object? item) =>
        item is PSObject wrapped && wrapped.Properties[PropertyName]?.Value is var value
            ? ((value as PSObject)?.BaseObject ?? value) switch
            {
                ClusterReference reference => reference.Connection,
                ClusterConnection connection => connection,
                string text => Named(text),
                _ => null,
            }
            : null;

    /// <summary>The open connection of this runspace shown as <paramref name="text"/>; refused when there is none.</summary>
    public static ClusterConnection Named(string text) =>
        RunspaceConnections.Find(text)
        ?? throw new ArgumentTransformationMetadataException($"No connection of this runspace is to '{text}'. Connect to that cluster first (Connect-PvcCluster -NoDefault), or leave the Cluster column out.");

    /// <summary>
    /// True when two connections reach the same cluster: the same object, the same servers (and chroot), or the same
    /// cluster identity however their servers were written ("hv1:2181,hv2:2181" and "hv2:2181").
    /// </summary>
    public static bool Same(ClusterConnection a, ClusterConnection b) =>
        ReferenceEquals(a, b) || string.Equals(a.Servers, b.Servers, StringComparison.Ordinal)
        || (a.Identity is not null && string.Equals(a.Identity, b.Identity, StringComparison.Ordinal));
}
