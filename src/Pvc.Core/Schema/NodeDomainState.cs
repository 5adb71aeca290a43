namespace Pvc.Core.Schema;

/// <summary>Whether a node takes VMs (<c>/nodes/&lt;n&gt;/domainstate</c>).</summary>
public enum NodeDomainState
{
    /// <summary>A value this version does not know, or none.</summary>
    Unknown = 0,
    /// <summary>Takes VMs.</summary>
    Ready,
    /// <summary>Draining its VMs.</summary>
    Flush,
    /// <summary>Drained.</summary>
    Flushed,
    /// <summary>Taking its VMs back.</summary>
    Unflush,
    /// <summary>Its VMs are being recovered after a fence.</summary>
    FenceFlush,
}
