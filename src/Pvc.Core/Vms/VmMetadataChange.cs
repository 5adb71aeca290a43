using Pvc.Core.Schema;

namespace Pvc.Core.Vms;

/// <summary>Metadata to change (<c>pvc vm meta</c>); null members stay as they are.</summary>
public sealed record VmMetadataChange
{
    /// <summary>New node limit (empty: any node).</summary>
    public IReadOnlyList<string>? NodeLimit { get; init; }
    /// <summary>New selector.</summary>
    public NodeSelector? NodeSelector { get; init; }
    /// <summary>New autostart flag.</summary>
    public bool? Autostart { get; init; }
    /// <summary>New migration method.</summary>
    public MigrationMethod? MigrationMethod { get; init; }
    /// <summary>New maximum downtime, ms.</summary>
    public int? MigrationMaxDowntime { get; init; }
    /// <summary>New profile.</summary>
    public string? Profile { get; init; }
    /// <summary>New drain strategy (what a flush of its node does with it; stored beside PVC's schema, see <see cref="Placement.DrainStrategy"/>).</summary>
    public Placement.DrainStrategy? DrainStrategy { get; init; }

    /// <summary>True when nothing is to change.</summary>
    public bool IsEmpty => NodeLimit is null && NodeSelector is null && Autostart is null && MigrationMethod is null && MigrationMaxDowntime is null && Profile is null && DrainStrategy is null;
}
