namespace Pvc.Testing.Lab;

/// <summary>What a <see cref="LabCluster"/> is made of.</summary>
public sealed record LabClusterOptions
{
    /// <summary>The cluster's name (Core's initializer writes it).</summary>
    public string Name { get; init; } = "lab";

    /// <summary>How many nodes (hv1, hv2, ...; all coordinators).</summary>
    public int NodeCount { get; init; } = 3;

    /// <summary>timer.keepalive_interval of every node.</summary>
    public int KeepaliveSeconds { get; init; } = 1;

    /// <summary>YAML appended to each node's pvc.conf (indent it to put it under <c>node:</c>); not with <see cref="Fencing"/>.</summary>
    public string ExtraNodeConfig { get; init; } = "";

    /// <summary>
    /// When set, nodes made to be fenced (<see cref="FencedLabNode"/>: a libvirtd hypervisor and an ipmi_sim BMC each):
    /// the <c>fencing.intervals</c> and <c>fencing.actions</c> lines, indented under <c>fencing:</c>. Null: each node's
    /// hypervisor is a libvirt test-driver host inside its service (<see cref="LabNode"/>).
    /// </summary>
    public string? Fencing { get; init; }

    /// <summary>Per node name, its ZooKeeper connection string (a proxy to cut); null for the cluster's.</summary>
    public Func<string, string>? ZooKeeperFor { get; init; }

    /// <summary>
    /// Writes a node's pvc.conf (folder, name, all names, ZooKeeper) and returns its path, for another hypervisor (the
    /// QEMU lab's); null for <see cref="LabNode.Write"/>. Not with <see cref="Fencing"/>.
    /// </summary>
    public Func<string, string, IReadOnlyList<string>, string, string>? WriteConfig { get; init; }

    /// <summary>Runs each node service in a session of its own (<see cref="NodeServiceProcess.OwnSession"/>): the sandbox's.</summary>
    public bool OwnSession { get; init; }

    /// <summary>The ZooKeeper session timeout of the lab's own connection; null for Core's default.</summary>
    public TimeSpan? SessionTimeout { get; init; }

    /// <summary>Environment variables of every node service (e.g. the tests' task handlers, PVC_TASK_HANDLER_ASSEMBLIES).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The pvcnoded to run: by default the one built beside the running program.</summary>
    public string Executable { get; init; } = Path.Combine(AppContext.BaseDirectory, "pvcnoded");
}
