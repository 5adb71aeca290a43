using System.Management.Automation;
using Pvc.Core.Cluster;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Turns maintenance mode on or off (no fencing and no new faults while on).</summary>
[Cmdlet(VerbsCommon.Set, "PvcCluster", SupportsShouldProcess = true)]
[OutputType(typeof(ClusterStatus))]
public sealed class SetPvcClusterCommand : ClusterCmdlet
{
    /// <summary>Maintenance on ($true) or off ($false).</summary>
    [Parameter(Mandatory = true)]
    public bool Maintenance { get; set; }

    /// <summary>Return the cluster status.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (!ShouldProcess(Connection.ToString(), $"Turn maintenance {(Maintenance ? "on" : "off")}"))
            return;
        AwaitOrThrow(token => ClusterMaintenance.SetAsync(Connection, Maintenance, token), Connection.Servers);
        if (PassThru)
            WriteObject(AwaitOrThrow(token => ClusterStatusReader.ReadAsync(Connection, token), Connection.Servers));
    }
}
