using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Pvc.Core.Connection;
using Pvc.Core.Tasks;
using Pvc.NodeService.Ceph;

namespace Pvc.NodeService.Tasks;

/// <summary>What a <see cref="IClusterTaskHandler"/> gets: the task, the cluster, this node, its Ceph access, a logger and a way to report progress.</summary>
public sealed class ClusterTaskContext
{
    private readonly Func<ClusterTaskProgress, CancellationToken, Task> _report;

    /// <summary>Made by the runner (and by tests of a handler).</summary>
    /// <param name="task">The task, as claimed.</param>
    /// <param name="cluster">The node service's connection.</param>
    /// <param name="nodeName">This node.</param>
    /// <param name="ceph">This node's Ceph access, when configured.</param>
    /// <param name="logger">The node service's logger.</param>
    /// <param name="report">Records a progress.</param>
    public ClusterTaskContext(ClusterTask task, ClusterConnection cluster, string nodeName, RadosCluster? ceph, ILogger logger,
        Func<ClusterTaskProgress, CancellationToken, Task> report)
    {
        ArgumentNullException.ThrowIfNull(task);
        Task = task;
        Cluster = cluster;
        NodeName = nodeName;
        Ceph = ceph;
        Logger = logger;
        _report = report;
    }

    /// <summary>The task, as claimed.</summary>
    public ClusterTask Task { get; }

    /// <summary>The task's arguments.</summary>
    public JsonObject Arguments => Task.Arguments;

    /// <summary>The node service's connection to the cluster.</summary>
    public ClusterConnection Cluster { get; }

    /// <summary>This node's name.</summary>
    public string NodeName { get; }

    /// <summary>This node's Ceph access (librados/librbd), or null when the node service has none configured.</summary>
    public RadosCluster? Ceph { get; }

    /// <summary>The node service's logger.</summary>
    public ILogger Logger { get; }

    /// <summary>This node's libvirt (null in tests of handlers that need none): a live change of a VM runs through it.</summary>
    public Libvirt.Hypervisor? Hypervisor { get; init; }

    /// <summary>
    /// Records progress (PVC's Celery meta {current, total, status}); a waiting client sees it. Throws PvcException
    /// "TaskTakenOver" when the task was written off meanwhile (the handler should let it propagate).
    /// </summary>
    public Task ReportAsync(int current, int total, string status, CancellationToken ct) =>
        _report(new ClusterTaskProgress(current, total, status ?? ""), ct);
}
