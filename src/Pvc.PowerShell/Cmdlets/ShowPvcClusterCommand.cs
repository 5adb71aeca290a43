using System.Management.Automation;
using System.Management.Automation.Host;
using Pvc.Core.Cluster;
using Pvc.PowerShell.Infrastructure;

namespace Pvc.PowerShell.Cmdlets;

/// <summary>
/// Draws the cluster in the terminal for the interactive user: each node's states, health and memory bars, CPU load and
/// VMs coloured by state. It writes to the host, not to the pipeline (-PassThru adds the overview object it drew). ANSI
/// colours and Unicode only where PowerShell itself would colour ($PSStyle.OutputRendering, a host that takes escapes,
/// output not redirected) and NO_COLOR is unset; otherwise plain ASCII text with the same words.
/// </summary>
[Cmdlet(VerbsCommon.Show, "PvcCluster")]
[OutputType(typeof(ClusterOverview))]
public sealed class ShowPvcClusterCommand : ClusterCmdlet
{
    /// <summary>The picture's width in columns (default: the host's window width, else 120).</summary>
    [Parameter]
    [ValidateRange(40, 1000)]
    public int Width { get; set; }

    /// <summary>ASCII borders and bars only, even where Unicode would be drawn (colours still follow the output rendering).</summary>
    [Parameter]
    public SwitchParameter Ascii { get; set; }

    /// <summary>Also writes the <see cref="ClusterOverview"/> the picture was drawn from to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        var before = Connection.RoundTrips;
        var overview = AwaitOrThrow(token => ClusterOverviewReader.ReadAsync(Connection, token), Connection.Servers);
        Narrate("Read the cluster's overview", before);
        var color = UseColour();
        Host.UI.Write(ClusterPicture.Render(overview, Width > 0 ? Width : HostWidth(), color, unicode: color && !Ascii));
        if (PassThru)
            WriteResult(overview);
    }

    /// <summary>
    /// Colour as PowerShell decides it for the host (PlainText never, Ansi always, Host when the host takes escapes and
    /// the output is not redirected), and never with NO_COLOR set or TERM=dumb.
    /// </summary>
    private bool UseColour()
    {
        if (Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 } || Environment.GetEnvironmentVariable("TERM") == "dumb")
            return false;
        return PSStyle.Instance.OutputRendering switch
        {
            OutputRendering.PlainText => false,
            OutputRendering.Ansi => true,
            _ => Host.UI.SupportsVirtualTerminal && !Console.IsOutputRedirected,
        };
    }

    private int HostWidth()
    {
        try
        {
            return Host.UI.RawUI?.WindowSize.Width is > 0 and var w ? Math.Max(w, 40) : 120;
        }
        catch (Exception e) when (e is NotImplementedException or NotSupportedException or HostException or IOException)
        {
            return 120; // a host without a window
        }
    }
}
