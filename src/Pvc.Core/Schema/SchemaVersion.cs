using System.Globalization;
using Pvc.Core.Errors;

namespace Pvc.Core.Schema;

/// <summary>The ZooKeeper schema this code reads and writes: PVC 1.0.3's version 15.</summary>
public static class SchemaVersion
{
    /// <summary>The one schema version Pvc knows.</summary>
    public const int Current = 15;

    /// <summary>
    /// Checks the data of <c>/schema/version</c> (null when the znode does not exist) and returns the version.
    /// </summary>
    /// <exception cref="PvcException">InvalidData: 
    /// "ClusterNotInitialized" when there is no schema version (an empty or foreign ZooKeeper);
    /// "UnsupportedSchemaVersion" when it is anything but <see cref="Current"/>.
    /// </exception>
    public static int EnsureSupported(string? versionText)
    {
        if (versionText is null)
            throw new PvcException(PvcErrorKind.InvalidData, PvcErrorIds.ClusterNotInitialized,
                $"This ZooKeeper holds no PVC cluster ({BaseKeys.SchemaVersion} does not exist). Initialise a cluster first.");
        var trimmed = versionText.Trim();
        if (int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version == Current)
            return version;
        var shown = trimmed.Length == 0 ? "empty" : $"'{trimmed}'";
        throw new PvcException(PvcErrorKind.InvalidData, PvcErrorIds.UnsupportedSchemaVersion,
            $"The cluster's ZooKeeper schema version is {shown}; Pvc supports schema version {Current} only (PVC 1.0.3). " +
            "Upgrade or migrate the cluster with PVC's own tools first.")
        {
            Target = trimmed,
        };
    }
}
