using System.Management.Automation;
using Pvc.Core.Cluster;
using Pvc.Core.Errors;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Changes cluster-wide settings: maintenance mode (no fencing and no new faults while on) and which parts of domain XML
/// that reach into the hosts VMs may use.
/// </summary>
[Cmdlet(VerbsCommon.Set, "PvcCluster", SupportsShouldProcess = true)]
[OutputType(typeof(ClusterStatus))]
public sealed class SetPvcClusterCommand : ClusterCmdlet
{
    /// <summary>Maintenance on ($true) or off ($false).</summary>
    [Parameter]
    public bool? Maintenance { get; set; }

    /// <summary>The host-reaching parts of domain XML VMs may use; replaces the cluster's list (an empty list allows none).</summary>
    [Parameter]
    [AllowEmptyCollection]
    public DomainXmlFeature[]? AllowDomainXml { get; set; }

    /// <summary>
    /// The directories of the hypervisors under which domain XML may name host files, directories and sockets (file
    /// disks' images, kernels, shared folders); replaces the cluster's list (an empty list allows none).
    /// </summary>
    [Parameter]
    [AllowEmptyCollection]
    public string[]? AllowDomainXmlPath { get; set; }

    /// <summary>Return the cluster status.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        IReadOnlyCollection<HostDirectory>? directories = null;
        if (AllowDomainXmlPath is { } paths)
        {
            try
            {
                directories = [.. paths.Select(HostDirectory.Parse)];
            }
            catch (PvcException e)
            {
                ThrowTerminatingError(PvcErrorRecords.From(e, e.Target));
            }
        }
        var change = new ClusterSettingsChange { Maintenance = Maintenance, AllowedDomainXml = AllowDomainXml, AllowedDomainXmlPaths = directories };
        var actions = new List<string>();
        if (Maintenance is { } on)
            actions.Add($"Turn maintenance {(on ? "on" : "off")}");
        if (AllowDomainXml is { } allow)
            actions.Add(allow.Length == 0 ? "Allow no host access in domain XML" : $"Allow in domain XML: {string.Join(", ", allow.Distinct().Order())}");
        if (directories is { } dirs)
            actions.Add(dirs.Count == 0 ? "Allow no host directories in domain XML" : $"Allow host paths in domain XML under: {string.Join(", ", dirs.Select(d => d.Path).Distinct())}");
        // an empty change is refused by Core, with nothing to confirm
        if (!change.IsEmpty && !ShouldProcess(Connection.ToString(), string.Join("; ", actions)))
            return;
        var before = Connection.RoundTrips;
        AwaitOrThrow(token => ClusterSettings.ChangeAsync(Connection, change, token), Connection.Servers);
        Narrate($"Changed the cluster's settings: {string.Join("; ", actions)}", before);
        if (PassThru)
            WriteObject(AwaitOrThrow(token => ClusterStatusReader.ReadAsync(Connection, token), Connection.Servers));
    }
}
