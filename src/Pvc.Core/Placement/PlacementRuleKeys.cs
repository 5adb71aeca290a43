namespace Pvc.Core.Placement;

/// <summary>
/// Where placement rules live: under <c>/placement</c>, a root key beside PVC's schema v15 keys, as <c>/tasks</c> is
/// (PVC's readers and its schema validation look only at the keys they know, so they are unaffected).
/// <c>/placement/rules/&lt;name&gt;</c> holds one rule's record (JSON); <c>/placement/drain/&lt;uuid&gt;</c> a VM's
/// <see cref="DrainStrategy"/> ("restart" or "stop"; no record: live); <c>/placement/imposed/&lt;uuid&gt;</c> the migration
/// method a flush imposed on a VM's migration (<see cref="Vms.MigrationRequest.ImposedMethod"/>), written in the
/// migration's own transaction, so that it holds while the VM's state is the one that transaction wrote (same mzxid),
/// across a restart of the sending node's service.
/// </summary>
public static class PlacementRuleKeys
{
    /// <summary>The root.</summary>
    public const string Root = "/placement";

    /// <summary>The rules, by name.</summary>
    public const string Rules = "/placement/rules";

    /// <summary>A rule's record.</summary>
    public static string Rule(string name) => $"{Rules}/{name}";

    /// <summary>The VMs' drain strategies, by UUID.</summary>
    public const string Drain = "/placement/drain";

    /// <summary>A VM's drain strategy record.</summary>
    public static string DrainOf(Guid vm) => $"{Drain}/{vm:D}";

    /// <summary>The migration methods imposed on VMs' migrations, by UUID.</summary>
    public const string Imposed = "/placement/imposed";

    /// <summary>The method imposed on a VM's migration (PVC's method text: shutdown, live), valid while the VM's state znode has the record's mzxid.</summary>
    public static string ImposedOf(Guid vm) => $"{Imposed}/{vm:D}";
}
