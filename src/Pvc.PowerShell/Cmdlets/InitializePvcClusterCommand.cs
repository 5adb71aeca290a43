using System.Management.Automation;
using Pvc.Core.Cluster;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Creates a new cluster (PVC schema 15) on an empty ZooKeeper; with -Overwrite, replaces an existing one.</summary>
[Cmdlet(VerbsData.Initialize, "PvcCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ClusterStatus))]
public sealed class InitializePvcClusterCommand : ClusterCmdlet
{
    /// <summary>The cluster's name.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string ClusterName { get; set; } = "";

    /// <summary>The default target selector for migrations.</summary>
    [Parameter]
    public NodeSelector MigrationTargetSelector { get; set; } = NodeSelector.Mem;

    /// <summary>Delete an existing cluster's state first. Everything the cluster knows is lost.</summary>
    [Parameter]
    public SwitchParameter Overwrite { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (!ShouldProcess(Connection.Servers, Overwrite ? $"Replace the cluster's state with a new, empty cluster '{ClusterName}'" : $"Initialise cluster '{ClusterName}'"))
            return;
        var options = new ClusterInitOptions { Name = ClusterName, MigrationTargetSelector = MigrationTargetSelector, Overwrite = Overwrite };
        AwaitOrThrow(async token =>
        {
            await ClusterInitializer.InitializeAsync(Connection, options, token);
            return true;
        }, Connection.Servers);
        WriteObject(AwaitOrThrow(token => ClusterStatusReader.ReadAsync(Connection, token), Connection.Servers));
    }
}
