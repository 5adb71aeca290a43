using Pvc.Core.Schema;

namespace Pvc.Core.Cluster;

/// <summary>What is wrong with a key.</summary>
public enum SchemaProblemKind
{
    /// <summary>A key of the schema does not exist; a repair creates it.</summary>
    MissingKey,
    /// <summary>A key exists with a value PVC's tools cannot work with; a repair leaves it (it is data, not structure).</summary>
    InvalidValue,
}

/// <summary>One problem a schema validation found.</summary>
/// <param name="Kind">Missing key or invalid value.</param>
/// <param name="ElementKind">"base", or the element kind as PVC names it: node, domain, network, reservation, rule, osd, pool, volume, snapshot.</param>
/// <param name="Item">The element: node name, VM UUID, VNI, OSD id, pool, "pool/volume", "pool/volume/snapshot", "vni/mac", "vni/in|out/rule"; null for base keys.</param>
/// <param name="Path">The key's path.</param>
/// <param name="Found">The value found, for an invalid value; null for a missing key.</param>
/// <param name="Default">The value a repair writes (a missing key); null when a repair leaves the problem.</param>
/// <param name="Message">The problem in words.</param>
public sealed record SchemaProblem(SchemaProblemKind Kind, string ElementKind, string? Item, string Path, string? Found, string? Default, string Message)
{
    /// <summary>True when <see cref="SchemaValidator.RepairAsync"/> fixes it.</summary>
    public bool IsRepairable => Default is not null;

    /// <inheritdoc />
    public override string ToString() => Message;
}
