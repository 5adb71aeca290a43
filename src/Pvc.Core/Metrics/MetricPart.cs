namespace Pvc.Core.Metrics;

/// <summary>Which of PVC's metric endpoints a family belongs to (<c>/metrics/health</c>, <c>/metrics/resource</c>, <c>/metrics/ceph</c>, <c>/metrics/zookeeper</c>).</summary>
public enum MetricPart
{
    /// <summary>Cluster, node and VM health and state counts (PVC's <c>get_health_metrics</c>).</summary>
    Health,
    /// <summary>Utilisation of the cluster, its nodes, VMs and OSDs (PVC's <c>get_resource_metrics</c>).</summary>
    Resource,
    /// <summary>The ZooKeeper servers' own metrics (PVC's <c>/metrics/zookeeper</c>), named as ZooKeeper's Prometheus provider names them.</summary>
    ZooKeeper,
    /// <summary>Ceph's own metrics (PVC's <c>/metrics/ceph</c>), as the active Ceph manager's prometheus module serves them.</summary>
    Ceph,
}
