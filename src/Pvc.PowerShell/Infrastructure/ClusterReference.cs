using Pvc.Core.Cluster;
using Pvc.Core.Connection;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// The value of an emitted object's <c>Cluster</c> property: the connection it came from, showing only the cluster's
/// name and servers. ConvertTo-Json and Export-Csv write those, not the session (its ACLs hold digest hashes of a
/// closed cluster's users); PowerShell converts it to the connection itself when it binds to <c>-Cluster</c>.
/// </summary>
public sealed class ClusterReference
{
    internal ClusterReference(ClusterConnection connection) => Connection = connection;

    /// <summary>The cluster's name (null on an uninitialised ZooKeeper).</summary>
    public string? Name => Connection.Name;

    /// <summary>The ZooKeeper servers (and chroot) of the connection.</summary>
    public string Servers => Connection.Servers;

    internal ClusterConnection Connection { get; }

    /// <summary>The connection, for the binding of <c>-Cluster</c>.</summary>
    public static implicit operator ClusterConnection(ClusterReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return reference.Connection;
    }

    /// <summary>The connection.</summary>
    public ClusterConnection ToClusterConnection() => Connection;

    /// <inheritdoc />
    public override string ToString() => Connection.ToString();
}
