using System.Management.Automation;
using Pvc.Core.Faults;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Deletes faults (a fault whose cause remains is raised again by the health checks).</summary>
[Cmdlet(VerbsCommon.Remove, "PvcFault", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = "Id")]
[OutputType(typeof(void))]
public sealed class RemovePvcFaultCommand : ClusterCmdlet
{
    /// <summary>The fault ids.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = "Id")]
    [ArgumentCompleter(typeof(FaultIdCompleter))]
    public string[] Id { get; set; } = [];

    /// <summary>Delete every fault.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "All")]
    public SwitchParameter All { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var before = Connection.RoundTrips;
        if (All)
        {
            if (ShouldProcess(Connection.ToString(), "Delete every fault") && TryAwait(token => Connection.Faults.DeleteAllAsync(token), null) is not null)
                Narrate("Deleted every fault", before);
            return;
        }
        foreach (var id in Id)
            if (ShouldProcess(id, "Delete fault") && TryAwait(token => Connection.Faults.DeleteAsync([id], token), id) is not null)
                Narrate($"Deleted fault {id}", before);
    }
}
