namespace Pvc.Core.Schema;

/// <summary>A fault's status (<c>/faults/&lt;id&gt;/status</c>).</summary>
public enum FaultStatus
{
    /// <summary>A value this version does not know, or none.</summary>
    Unknown = 0,
    /// <summary>Not acknowledged: counts against the cluster's health.</summary>
    New,
    /// <summary>Acknowledged: counts 0.</summary>
    Ack,
}
