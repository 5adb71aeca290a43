using Pvc.Core.Vms;

namespace Pvc.Core.Cluster;

/// <summary>Cluster-wide settings to change (<c>Set-PvcCluster</c>); null members stay as they are.</summary>
public sealed record ClusterSettingsChange
{
    /// <summary>Maintenance mode on or off (<c>/config/maintenance</c>).</summary>
    public bool? Maintenance { get; init; }

    /// <summary>The host-reaching parts of domain XML the cluster allows, replacing the list (<see cref="DomainXmlAllowList"/>); empty allows none.</summary>
    public IReadOnlyCollection<DomainXmlFeature>? AllowedDomainXml { get; init; }

    /// <summary>
    /// The directories under which domain XML may name host files, directories and sockets, replacing the list
    /// (<see cref="DomainXmlAllowList.Directories"/>); empty allows none.
    /// </summary>
    public IReadOnlyCollection<HostDirectory>? AllowedDomainXmlPaths { get; init; }

    /// <summary>True when nothing is to change.</summary>
    public bool IsEmpty => Maintenance is null && AllowedDomainXml is null && AllowedDomainXmlPaths is null;
}
