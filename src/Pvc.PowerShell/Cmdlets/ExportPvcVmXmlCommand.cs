using System.Management.Automation;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>Writes a VM's libvirt XML as the cluster stores it (PVC's <c>pvc vm dump</c>), to the pipeline or to a file.</summary>
[Cmdlet(VerbsData.Export, "PvcVmXml", SupportsShouldProcess = true)]
[OutputType(typeof(string))]
public sealed class ExportPvcVmXmlCommand : VmCmdlet
{
    /// <summary>The file to write (PVC's <c>--file</c>); without it the XML goes to the pipeline.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>With -Path: replace a file that exists.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ResolveVm() is not { } vm || TryAwait(token => Vms.GetXmlAsync(vm, token), vm.Name) is not { } xml)
            return;
        if (Path is null)
        {
            WriteObject(xml);
            return;
        }
        var file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(file, $"Write the XML of the VM '{vm.Name}'"))
            return;
        try
        {
            using var stream = new FileStream(file, Force ? FileMode.Create : FileMode.CreateNew, FileAccess.Write);
            using var writer = new StreamWriter(stream);
            writer.Write(xml);
        }
        catch (IOException e)
        {
            WriteError(PvcErrorRecords.Of(e, File.Exists(file) && !Force ? "FileExists" : "FileWriteFailed", File.Exists(file) && !Force ? ErrorCategory.ResourceExists : ErrorCategory.WriteError, file));
        }
        catch (UnauthorizedAccessException e)
        {
            WriteError(PvcErrorRecords.Of(e, "FileWriteFailed", ErrorCategory.PermissionDenied, file));
        }
    }
}
