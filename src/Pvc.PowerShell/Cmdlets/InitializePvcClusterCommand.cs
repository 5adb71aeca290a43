using System.Management.Automation;
using System.Net;
using Pvc.Core.Cluster;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.Core.Security;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Creates a new cluster (PVC schema 15) on an empty ZooKeeper, closed to all but its digest users unless -Open; with
/// -Overwrite, replaces an existing one.
/// </summary>
[Cmdlet(VerbsData.Initialize, "PvcCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ClosedSet)]
[OutputType(typeof(ClusterStatus))]
public sealed class InitializePvcClusterCommand : ClusterCmdlet
{
    private const string ClosedSet = "Closed";
    private const string OpenSet = "Open";

    /// <summary>The cluster's name.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string ClusterName { get; set; } = "";

    /// <summary>The default target selector for migrations.</summary>
    [Parameter]
    public NodeSelector MigrationTargetSelector { get; set; } = NodeSelector.Mem;

    /// <summary>The node services' member credential (the user and password of database.zookeeper in every pvc.conf).</summary>
    [Parameter(ParameterSetName = ClosedSet)]
    [Credential]
    public PSCredential? NodeCredential { get; set; }

    /// <summary>Other administrators' credentials, granted as yours is.</summary>
    [Parameter(ParameterSetName = ClosedSet)]
    [ValidateNotNull]
    public PSCredential[] AdministratorCredential { get; set; } = [];

    /// <summary>PVC-compatible: every znode open to anyone who reaches ZooKeeper, so that PVC's own tools can share the cluster.</summary>
    [Parameter(Mandatory = true, ParameterSetName = OpenSet)]
    public SwitchParameter Open { get; set; }

    /// <summary>Delete an existing cluster's state first. Everything the cluster knows is lost.</summary>
    [Parameter]
    public SwitchParameter Overwrite { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        var access = Open ? ClusterAccessMode.Open : ClusterAccessMode.Closed;
        var mode = Open ? "open to anyone who reaches ZooKeeper (PVC-compatible)" : "closed to all but its users";
        if (!ShouldProcess(Connection.Servers, Overwrite ? $"Replace the cluster's state with a new, empty cluster '{ClusterName}', {mode}" : $"Initialise cluster '{ClusterName}', {mode}"))
            return;
        IReadOnlyList<ClusterCredential> granted = [];
        try
        {
            granted = [.. (NodeCredential is null ? AdministratorCredential : [NodeCredential, .. AdministratorCredential]).Select(Credential)];
        }
        catch (PvcException e)
        {
            ThrowTerminatingError(PvcErrorRecords.From(e, ClusterName));
        }
        var options = new ClusterInitOptions
        {
            Name = ClusterName,
            MigrationTargetSelector = MigrationTargetSelector,
            Overwrite = Overwrite,
            Access = access,
            GrantedCredentials = granted,
        };
        AwaitOrThrow(async token =>
        {
            await ClusterInitializer.InitializeAsync(Connection, options, token);
            return true;
        }, Connection.Servers);
        if (access == ClusterAccessMode.Open)
            WriteWarning($"Cluster '{ClusterName}' is open (PVC-compatible): anyone who reaches ZooKeeper can read the nodes' IPMI passwords and change any VM.");
        else if (NodeCredential is null)
            WriteWarning($"No -NodeCredential: the node services can join cluster '{ClusterName}' only with your own credential ({Connection.User}).");
        WriteObject(AwaitOrThrow(token => ClusterStatusReader.ReadAsync(Connection, token), Connection.Servers));
    }

    /// <summary>The digest credential of a PSCredential (checked by Core: an InvalidCredential error names a bad one).</summary>
    private static ClusterCredential Credential(PSCredential credential) =>
        new(credential.UserName, new NetworkCredential("", credential.Password).Password);
}
