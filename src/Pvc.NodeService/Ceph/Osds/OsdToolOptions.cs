namespace Pvc.NodeService.Ceph.Osds;

/// <summary>How the node runs Ceph's OSD tools (ceph-volume, sfdisk) for its disks.</summary>
public sealed record OsdToolOptions
{
    /// <summary>The cluster's ceph.conf (given to ceph-volume as CEPH_CONF).</summary>
    public string ConfigPath { get; init; } = "/etc/ceph/ceph.conf";

    /// <summary>
    /// The cluster's name as ceph-volume uses it: its OSD folders are <c>/var/lib/ceph/osd/&lt;name&gt;-&lt;id&gt;</c> and
    /// its bootstrap key <c>/var/lib/ceph/bootstrap-osd/&lt;name&gt;.keyring</c>. PVC's clusters are "ceph".
    /// </summary>
    public string ClusterName { get; init; } = "ceph";

    /// <summary>Where ceph-volume keeps the OSDs' folders.</summary>
    public string OsdDataRoot { get; init; } = "/var/lib/ceph/osd";

    /// <summary>How long one tool may run (a prepare formats the device and registers it with the monitors).</summary>
    public TimeSpan ToolTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a new OSD may take to come up, and a removed one's data to move off it.</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The folder of an OSD's data on this node.</summary>
    public string DataPath(int id) => Path.Combine(OsdDataRoot, $"{ClusterName}-{id.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
}
