using System.Management.Automation;
using Pvc.Core.Faults;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Acknowledges faults: they stay listed but no longer lower the cluster's health.</summary>
[Cmdlet(VerbsLifecycle.Confirm, "PvcFault", SupportsShouldProcess = true, DefaultParameterSetName = "Id")]
[OutputType(typeof(Fault))]
public sealed class ConfirmPvcFaultCommand : ClusterCmdlet
{
    /// <summary>The fault ids.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = "Id")]
    [ArgumentCompleter(typeof(FaultIdCompleter))]
    public string[] Id { get; set; } = [];

    /// <summary>Acknowledge every fault.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "All")]
    public SwitchParameter All { get; set; }

    /// <summary>Return the acknowledged faults.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var before = Connection.RoundTrips;
        if (All)
        {
            if (ShouldProcess(Connection.ToString(), "Acknowledge every fault") && TryAwait(token => Connection.Faults.AcknowledgeAllAsync(token), null) is { } all)
            {
                Narrate($"Acknowledged {all.Count} fault(s)", before);
                if (PassThru)
                    WriteResults(all);
            }
            return;
        }
        foreach (var id in Id)
            if (ShouldProcess(id, "Acknowledge fault") && TryAwait(token => Connection.Faults.AcknowledgeAsync([id], token), id) is { } done)
            {
                Narrate($"Acknowledged fault {id}", before);
                if (PassThru)
                    WriteResults(done);
            }
    }
}
