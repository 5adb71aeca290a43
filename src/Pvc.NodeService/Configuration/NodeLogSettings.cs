namespace Pvc.NodeService.Configuration;

/// <summary>PVC's <c>logging</c> section and log folders (<c>path.system_log_directory</c>, <c>path.console_log_directory</c>).</summary>
public sealed record NodeLogSettings
{
    /// <summary><c>logging.stdout_logging</c>, default true (journald under systemd).</summary>
    public bool Stdout { get; init; } = true;
    /// <summary><c>logging.file_logging</c>, default false: <see cref="Directory"/>/pvcnoded.log, reopened on SIGHUP.</summary>
    public bool File { get; init; }
    /// <summary><c>logging.zookeeper_logging</c>, default true: <c>/logs/&lt;node&gt;/messages</c>.</summary>
    public bool ZooKeeper { get; init; } = true;
    /// <summary><c>logging.debug_logging</c>, default false.</summary>
    public bool Debug { get; init; }
    /// <summary><c>logging.log_colours</c>, default false (PVC's "&gt;&gt;&gt; " prompts in colour, else its words).</summary>
    public bool Colours { get; init; }
    /// <summary><c>logging.log_dates</c>, default true.</summary>
    public bool Dates { get; init; } = true;
    /// <summary><c>logging.log_keepalives</c>, default false: a line per keepalive.</summary>
    public bool Keepalives { get; init; }
    /// <summary><c>logging.log_cluster_details</c>, default false: with <see cref="Keepalives"/>, a second line per keepalive (maintenance, health, VMs, OSDs, load, memory).</summary>
    public bool ClusterDetails { get; init; }
    /// <summary><c>logging.node_log_lines</c>, default 2000: the lines kept in ZooKeeper.</summary>
    public int NodeLogLines { get; init; } = 2000;
    /// <summary><c>logging.console_log_lines</c>, default 1000: the lines of a VM's console kept in ZooKeeper.</summary>
    public int ConsoleLogLines { get; init; } = 1000;
    /// <summary><c>path.system_log_directory</c>, default /var/log/pvc.</summary>
    public string Directory { get; init; } = "/var/log/pvc";
    /// <summary><c>path.console_log_directory</c>, default /var/log/libvirt: where VMs' serial console logs must be.</summary>
    public string ConsoleDirectory { get; init; } = "/var/log/libvirt";

    /// <summary>The log file: <see cref="Directory"/>/pvcnoded.log.</summary>
    public string FilePath => Path.Combine(Directory, "pvcnoded.log");
}
