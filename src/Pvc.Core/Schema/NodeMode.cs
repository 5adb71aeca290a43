namespace Pvc.Core.Schema;

/// <summary>A node's role (<c>/nodes/&lt;n&gt;/daemonmode</c>).</summary>
public enum NodeMode
{
    /// <summary>A value this version does not know, or none.</summary>
    Unknown = 0,
    /// <summary>A coordinator: runs ZooKeeper and may become primary.</summary>
    Coordinator,
    /// <summary>A hypervisor only.</summary>
    Hypervisor,
}
