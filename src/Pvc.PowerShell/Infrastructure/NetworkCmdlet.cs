using System.Management.Automation;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>A cmdlet that works on one network, named by its VNI or description (a piped network, reservation, lease or rule binds its Vni).</summary>
public abstract class NetworkCmdlet : ClusterCmdlet
{
    /// <summary>The network: its VNI or its description.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Vni")]
    [ArgumentCompleter(typeof(NetworkCompleter))]
    [ValidateNotNullOrEmpty]
    public string Network { get; set; } = "";
}
