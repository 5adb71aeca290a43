namespace Pvc.Core.Schema;

/// <summary>Ceph's overall health, the <c>status</c> of <c>/ceph/health</c> (<c>ceph health --format json</c>).</summary>
public enum StorageHealthStatus
{
    /// <summary>No report (no Ceph, or no primary has written one yet), or a value not known here.</summary>
    Unknown = 0,
    /// <summary>HEALTH_OK.</summary>
    Ok,
    /// <summary>HEALTH_WARN.</summary>
    Warning,
    /// <summary>HEALTH_ERR.</summary>
    Error,
}
