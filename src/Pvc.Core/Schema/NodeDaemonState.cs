namespace Pvc.Core.Schema;

/// <summary>A node service's state (<c>/nodes/&lt;n&gt;/daemonstate</c>).</summary>
public enum NodeDaemonState
{
    /// <summary>A value this version does not know, or none.</summary>
    Unknown = 0,
    /// <summary>Starting.</summary>
    Init,
    /// <summary>Running.</summary>
    Run,
    /// <summary>Stopping.</summary>
    Shutdown,
    /// <summary>Stopped cleanly.</summary>
    Stop,
    /// <summary>Declared dead by the fence monitor.</summary>
    Dead,
    /// <summary>Fenced through its BMC.</summary>
    Fenced,
}
