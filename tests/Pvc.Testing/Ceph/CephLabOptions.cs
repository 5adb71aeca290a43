namespace Pvc.Testing.Ceph;

/// <summary>How a <see cref="CephLab"/> is started.</summary>
public sealed record CephLabOptions
{
    /// <summary>The number of OSDs (pools in the lab are made with one copy, so one is enough).</summary>
    public int OsdCount { get; init; } = 1;

    /// <summary>The OSDs' object store.</summary>
    public CephObjectStore ObjectStore { get; init; } = CephObjectStore.Bluestore;

    /// <summary>The size of each bluestore OSD's block file (sparse: it takes disk space only as data is written).</summary>
    public long BluestoreBlockBytes { get; init; } = 10L << 30;

    /// <summary>How long the start may take, from an empty folder to HEALTH_OK (two cores shared with builds: generous).</summary>
    public TimeSpan StartDeadline { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// The IPv4 address the monitor, the manager and the OSDs bind to (the cluster's public network is this one
    /// address); 127.0.0.1 by default. Another address of this machine (a lab uplink's,
    /// <see cref="Lab.LabNetwork.AddUplink"/>) makes the cluster reachable from the QEMU lab's namespaces.
    /// </summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>
    /// Enables the manager's prometheus module once the cluster is healthy (<c>ceph mgr module enable prometheus</c>, which
    /// respawns the manager), bound to <see cref="Address"/> and a free port, and waits until it serves its metrics:
    /// <see cref="CephLab.PrometheusUrl"/>. Costs a few seconds of the start; off by default.
    /// </summary>
    public bool PrometheusModule { get; init; }
}

/// <summary>Where an OSD keeps its data.</summary>
public enum CephObjectStore
{
    /// <summary>Bluestore on a sparse block file in the OSD's folder: Ceph's production object store; data on disk.</summary>
    Bluestore,
    /// <summary>Memstore: in the OSD's memory, lost when it stops; quickest to start, grows with the data written.</summary>
    Memstore,
}
