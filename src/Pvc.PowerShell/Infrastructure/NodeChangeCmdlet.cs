using System.Management.Automation;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>A node change its node service carries out: <c>-Wait</c> (with progress), <c>-Timeout</c>, <c>-PassThru</c>.</summary>
public abstract class NodeChangeCmdlet : NodeCmdlet
{
    /// <summary>Wait until the node service has carried out the change, showing progress.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long -Wait waits (seconds or a TimeSpan). Default 30 minutes.</summary>
    [Parameter]
    [TimeoutTransformation]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Return the node (implied by -Wait).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }
}
