using System.Management.Automation;
using Xunit.Abstractions;
using Pvc.Testing.PowerShell;

namespace Pvc.PowerShell.Tests;

public sealed class HelpTests(ITestOutputHelper output)
{
    [Fact]
    public void Probe()
    {
        using var ps = PowerShellSession.Open();
        var r = ps.Run("[cultureinfo]::CurrentUICulture.Name; $h = Get-Help Connect-PvcCluster -Full; $h.Synopsis; $h.PSObject.TypeNames; (Get-Command Connect-PvcCluster).HelpFile");
        foreach (var o in r.Output) output.WriteLine(o?.ToString() ?? "<null>");
        foreach (var e in r.Errors) output.WriteLine("ERR " + e);
        output.WriteLine(ps.Render("Get-Help Connect-PvcCluster -Full").HostText);
        output.WriteLine(ps.Render("Get-Help Disconnect-PvcCluster").HostText);
    }
}
