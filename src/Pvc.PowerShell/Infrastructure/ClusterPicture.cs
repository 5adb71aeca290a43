using System.Globalization;
using Pvc.Core.Cluster;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// Draws a <see cref="ClusterOverview"/> with Spectre.Console: a panel per node (states, health and memory bars, CPU,
/// its VMs coloured by state). The same words in every mode: colours only add to them, and without Unicode the borders
/// and bars are ASCII.
/// </summary>
internal static class ClusterPicture
{
    private const int BarWidth = 20;

    /// <summary>The picture as text, <paramref name="width"/> columns wide, with ANSI colours or none, Unicode or ASCII.</summary>
    public static string Render(ClusterOverview overview, int width, bool color, bool unicode)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = color ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = color ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        console.Profile.Height = 10_000;
        console.Profile.Capabilities.Unicode = unicode;
        console.Profile.Capabilities.Links = false;

        console.Write(new Markup(Heading(overview, unicode) + "\n"));
        foreach (var node in overview.Nodes)
            console.Write(NodePanel(overview, node, unicode));
        if (overview.UnplacedVms.Count > 0)
            console.Write(Boxed(new Markup(VmList(overview.UnplacedVms)), $"[bold]No node[/] ({overview.UnplacedVms.Count} VMs)", unicode));
        return writer.ToString();
    }

    private static string Heading(ClusterOverview o, bool unicode)
    {
        var dot = unicode ? " · " : " | ";
        var parts = new List<string>
        {
            $"[bold]Cluster {Markup.Escape(o.Name ?? "(unnamed)")}[/]",
            $"health [{HealthColour(o.Health)}]{o.Health}%[/]",
            $"{o.Nodes.Count} nodes",
            $"{o.VmCount} VMs",
            $"primary {Markup.Escape(o.PrimaryNode ?? "none")}",
            o.ActiveFaultCount == 0 ? "no faults" : $"[red]{o.ActiveFaultCount} faults[/]",
        };
        if (o.Maintenance)
            parts.Add("[yellow]maintenance[/]");
        return string.Join(dot, parts);
    }

    private static Panel NodePanel(ClusterOverview overview, NodeOverview entry, bool unicode)
    {
        var n = entry.Node;
        var dot = unicode ? " · " : " | ";
        var header = $"[bold]{Markup.Escape(n.Name)}[/]{dot}[{DaemonColour(n.DaemonState)}]{n.DaemonState}[/]/[{DomainColour(n.DomainState)}]{n.DomainState}[/]";
        if (n.Name == overview.PrimaryNode)
            header += $"{dot}[blue]primary[/]";

        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow(new Markup("Health"), new Markup(n.Health is { } h
            ? $"{Bar(h, 100, HealthColour(h), unicode)} [{HealthColour(h)}]{h}%[/]"
            : $"{Bar(0, 100, "grey", unicode)} n/a"));
        grid.AddRow(new Markup("Memory"), new Markup(
            $"{Bar(n.MemoryUsedMiB, n.MemoryTotalMiB, MemoryColour(n.MemoryUsedMiB, n.MemoryTotalMiB), unicode)} used {n.MemoryUsedMiB} MiB of {n.MemoryTotalMiB} MiB ({Percent(n.MemoryUsedMiB, n.MemoryTotalMiB)}%)"));
        grid.AddRow(new Markup(""), new Markup(
            $"{Bar(n.MemoryAllocatedMiB, n.MemoryTotalMiB, MemoryColour(n.MemoryAllocatedMiB, n.MemoryTotalMiB), unicode)} allocated {n.MemoryAllocatedMiB} MiB of {n.MemoryTotalMiB} MiB ({Percent(n.MemoryAllocatedMiB, n.MemoryTotalMiB)}%)"));
        grid.AddRow(new Markup("CPU"), new Markup(
            $"load {(n.CpuLoad is { } l ? l.ToString("0.00", CultureInfo.InvariantCulture) : "n/a")} on {(n.CpuCount is { } c ? c.ToString(CultureInfo.InvariantCulture) : "?")} CPUs, {n.VcpusAllocated} vCPUs allocated"));
        grid.AddRow(new Markup($"VMs ({entry.Vms.Count})"), new Markup(entry.Vms.Count == 0 ? "[grey]none[/]" : VmList(entry.Vms)));
        return Boxed(grid, header, unicode);
    }

    private static Panel Boxed(IRenderable content, string header, bool unicode) => new(content)
    {
        Header = new PanelHeader($" {header} "),
        Border = unicode ? BoxBorder.Rounded : BoxBorder.Ascii,
        Expand = true,
    };

    private static string VmList(IEnumerable<VmOverview> vms) =>
        string.Join("  ", vms.Select(v => $"[{VmColour(v.State)}]{Markup.Escape(v.Name)}[/] [grey]({v.State})[/]"));

    /// <summary>A bar of <see cref="BarWidth"/> cells, <paramref name="part"/> of <paramref name="whole"/> filled.</summary>
    private static string Bar(long part, long whole, string colour, bool unicode)
    {
        var filled = whole <= 0 ? 0 : (int)Math.Clamp(Math.Round((double)part * BarWidth / whole), 0, BarWidth);
        var (full, empty) = unicode ? ('█', '░') : ('#', '.');
        var bar = $"[{colour}]{new string(full, filled)}[/][grey]{new string(empty, BarWidth - filled)}[/]";
        return unicode ? bar : $"[[{bar}]]";
    }

    private static long Percent(long part, long whole) => whole <= 0 ? 0 : (long)Math.Round(100.0 * part / whole);

    private static string HealthColour(int health) => health >= 90 ? "green" : health >= 50 ? "yellow" : "red";

    private static string MemoryColour(long part, long whole) => Percent(part, whole) switch
    {
        >= 90 => "red",
        >= 75 => "yellow",
        _ => "green",
    };

    private static string DaemonColour(NodeDaemonState state) => state switch
    {
        NodeDaemonState.Run => "green",
        NodeDaemonState.Init or NodeDaemonState.Shutdown => "yellow",
        NodeDaemonState.Stop => "grey",
        NodeDaemonState.Dead or NodeDaemonState.Fenced => "red",
        _ => "magenta",
    };

    private static string DomainColour(NodeDomainState state) => state switch
    {
        NodeDomainState.Ready => "green",
        NodeDomainState.Unknown => "magenta",
        _ => "yellow",
    };

    private static string VmColour(VmState state) => state switch
    {
        VmState.Start => "green",
        VmState.Stop or VmState.Shutdown => "grey",
        VmState.Disable => "grey dim",
        VmState.Fail => "red",
        VmState.Mirror => "blue",
        VmState.Unknown => "magenta",
        _ => "yellow",
    };
}
