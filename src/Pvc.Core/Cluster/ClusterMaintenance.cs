using System.Text;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Cluster;

/// <summary>Turns the cluster's maintenance mode on or off (<c>/config/maintenance</c>, "true"/"false").</summary>
public static class ClusterMaintenance
{
    private const int Attempts = 3;

    /// <summary>
    /// Sets maintenance mode. While it is on, the health daemon raises no faults. Written with a version
    /// check against the value just read.
    /// </summary>
    /// <returns>True when the mode changed, false when it already was so.</returns>
    /// <exception cref="PvcDataException">"ClusterNotInitialized" or "UnsupportedSchemaVersion".</exception>
    /// <exception cref="PvcWriteConflictException">"MaintenanceWriteConflict": the key kept changing meanwhile.</exception>
    public static async Task<bool> SetAsync(ClusterConnection connection, bool enabled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var client = connection.ZooKeeper;
        var value = PvcBool.EncodeLowercase(enabled);
        for (var attempt = 1; ; attempt++)
        {
            var batch = new ZnodeBatch(client).Data(BaseKeys.SchemaVersion).Data(BaseKeys.Maintenance);
            await batch.ReadAsync(cancellationToken);
            SchemaVersion.EnsureSupported(batch.Text(BaseKeys.SchemaVersion));
            if (batch.Text(BaseKeys.Maintenance) == value)
                return false;
            try
            {
                if (batch.StatOf(BaseKeys.Maintenance) is { } stat)
                    await client.SetDataAsync(BaseKeys.Maintenance, Encoding.UTF8.GetBytes(value), stat.Version, cancellationToken);
                else
                    await client.CreateAsync(BaseKeys.Maintenance, Encoding.UTF8.GetBytes(value), cancellationToken: cancellationToken);
                return true;
            }
            catch (ZooKeeperException e) when (e is BadVersionException or NoNodeException or NodeExistsException)
            {
                if (attempt == Attempts)
                    throw new PvcWriteConflictException("MaintenanceWriteConflict",
                        $"{BaseKeys.Maintenance} kept changing while being written; try again.", e);
            }
        }
    }
}
