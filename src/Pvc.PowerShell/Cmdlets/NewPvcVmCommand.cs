using System.Management.Automation;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Defines a VM from libvirt domain XML, with PVC's metadata (<c>pvc vm define</c>).</summary>
// No default parameter set: with one (Path), PowerShell settles on it before it binds pipeline input, so XML piped as a
// string could never bind to Xml (InputObjectNotBound). Without it, a piped file (FullName) still binds to Path.
[Cmdlet(VerbsCommon.New, "PvcVm", SupportsShouldProcess = true)]
[OutputType(typeof(Vm))]
public sealed class NewPvcVmCommand : ClusterCmdlet
{
    /// <summary>A file with the libvirt XML.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string Path { get; set; } = "";

    /// <summary>The libvirt XML itself.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Xml", ValueFromPipeline = true)]
    public string Xml { get; set; } = "";

    /// <summary>The node; chosen by the selector when omitted.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string? Node { get; set; }

    /// <summary>The nodes it may run on.</summary>
    [Parameter]
    public string[] NodeLimit { get; set; } = [];

    /// <summary>How its target node is chosen.</summary>
    [Parameter]
    public NodeSelector NodeSelector { get; set; }

    /// <summary>PVC's node autostart flag.</summary>
    [Parameter]
    public SwitchParameter Autostart { get; set; }

    /// <summary>How it migrates.</summary>
    [Parameter]
    public MigrationMethod MigrationMethod { get; set; }

    /// <summary>Maximum live-migration downtime, milliseconds.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxDowntime { get; set; } = 300;

    /// <summary>The provisioner profile it came from.</summary>
    [Parameter]
    public string? Profile { get; set; }

    /// <summary>Tags.</summary>
    [Parameter]
    public string[] Tag { get; set; } = [];

    /// <summary>Protected tags (cannot be removed).</summary>
    [Parameter]
    public string[] ProtectedTag { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        string xml;
        if (ParameterSetName == "Path")
        {
            var file = GetUnresolvedProviderPathFromPSPath(Path);
            if (!File.Exists(file))
            {
                WriteError(PvcErrorRecords.Of(new FileNotFoundException($"The file '{file}' does not exist.", file), "FileNotFound", ErrorCategory.ObjectNotFound, Path));
                return;
            }
            xml = File.ReadAllText(file);
        }
        else
        {
            xml = Xml;
        }
        var definition = new VmDefinition
        {
            Xml = xml, TargetNode = Node, NodeLimit = NodeLimit, NodeSelector = NodeSelector, Autostart = Autostart,
            MigrationMethod = MigrationMethod, MigrationMaxDowntime = MaxDowntime, Profile = Profile,
            Tags = [.. Tag.Select(t => (t, false)), .. ProtectedTag.Select(t => (t, true))],
        };
        if (!ShouldProcess(ParameterSetName == "Path" ? Path : "VM from XML", "Define VM"))
            return;
        var before = Connection.RoundTrips;
        var vm = TryAwait(token => new VmOperations(Connection).DefineAsync(definition, token), ParameterSetName == "Path" ? Path : null);
        if (vm is null)
            return;
        Narrate($"Defined VM {vm.Name} ({vm.Uuid})", before);
        if (TryAwait(token => Connection.Vms.GetAsync(vm.Uuid, token), vm.Name) is { } created)
            WriteResult(created);
    }
}
