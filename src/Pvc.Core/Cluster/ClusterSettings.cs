using System.Text;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.ZooKeeper;

namespace Pvc.Core.Cluster;

/// <summary>Changes cluster-wide settings: maintenance mode, the domain XML allow-list and its host directories, in one transaction.</summary>
public static class ClusterSettings
{
    private const int Attempts = 3;

    /// <summary>
    /// Writes the settings asked for that differ from the cluster's, all in one transaction with a check of each key's
    /// version as read (read and tried again, three times, when a key changed meanwhile): all of them or none.
    /// </summary>
    /// <returns>True when something changed, false when everything already was so.</returns>
    /// <exception cref="PvcException">InvalidArgument: "NoChange": the change is empty.</exception>
    /// <exception cref="PvcException">InvalidData: "ClusterNotInitialized" or "UnsupportedSchemaVersion".</exception>
    /// <exception cref="PvcException">WriteConflict: "ClusterSettingsWriteConflict": the keys kept changing meanwhile; nothing was written.</exception>
    public static async Task<bool> ChangeAsync(ClusterConnection connection, ClusterSettingsChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(change);
        if (change.IsEmpty)
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.NoChange, "Nothing to change: give a maintenance mode, a domain XML allow-list or its host directories.");
        var wanted = new List<(string Path, string Value)>();
        if (change.Maintenance is { } maintenance)
            wanted.Add((BaseKeys.Maintenance, PvcBool.EncodeLowercase(maintenance)));
        if (change.AllowedDomainXml is { } allowed)
            wanted.Add((DomainXmlAllowList.Path, DomainXmlAllowList.Encode(allowed)));
        if (change.AllowedDomainXmlPaths is { } directories)
            wanted.Add((DomainXmlAllowList.DirectoriesPath, DomainXmlAllowList.EncodeDirectories(directories)));
        var client = connection.ZooKeeper;
        for (var attempt = 1; ; attempt++)
        {
            var batch = new ZnodeBatch(client).Data(BaseKeys.SchemaVersion);
            foreach (var (path, _) in wanted)
                batch.Data(path);
            await batch.ReadAsync(cancellationToken);
            SchemaVersion.EnsureSupported(batch.Text(BaseKeys.SchemaVersion));
            var ops = wanted.Where(w => batch.Text(w.Path) != w.Value)
                .Select(w => batch.StatOf(w.Path) is { } stat
                    ? Op.SetData(w.Path, Encoding.UTF8.GetBytes(w.Value), stat.Version)
                    : Op.Create(w.Path, Encoding.UTF8.GetBytes(w.Value)))
                .ToList();
            if (ops.Count == 0)
                return false;
            try
            {
                await client.MultiAsync(ops, cancellationToken);
                return true;
            }
            catch (ZooKeeperException e) when (e is BadVersionException or NoNodeException or NodeExistsException)
            {
                if (attempt == Attempts)
                    throw new PvcException(PvcErrorKind.WriteConflict, PvcErrorIds.ClusterSettingsWriteConflict,
                        "The cluster's settings kept changing while being written; nothing was written. Try again.", e);
            }
        }
    }
}
