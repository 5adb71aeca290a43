using Pvc.Core.Cluster;
using Pvc.Core.Faults;
using Pvc.Core.Metrics;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Core.Storage;
using Pvc.Core.Vms;

namespace Pvc.NodeService.Tests.Metrics;

/// <summary>A cluster snapshot with every kind of thing the metrics describe: nodes, VMs with stats, disks and tags, an OSD, faults.</summary>
internal static class MetricsSample
{
    public static ClusterMetricsSnapshot Snapshot(int vms = 2)
    {
        Node Node(string name, int health) => new()
        {
            Name = name, DaemonState = NodeDaemonState.Run, DomainState = NodeDomainState.Ready, CpuCount = 16, CpuLoad = 1.5,
            Kernel = "6.1.0-18-amd64", Architecture = "x86_64", VcpusAllocated = 4, VmCount = 1, Health = health,
            MemoryTotalMiB = 32768, MemoryUsedMiB = 8192, MemoryFreeMiB = 24576, MemoryAllocatedMiB = 4096, MemoryProvisionedMiB = 6144,
        };
        var stats = new VmStats
        {
            CpuTimeNs = 12_000_000_000, CpuUserNs = 8_000_000_000, CpuSystemNs = 4_000_000_000,
            MemoryStats = new Dictionary<string, long> { ["actual"] = 1048576, ["rss"] = 524288, ["unused"] = 262144, ["available"] = 1000000, ["usable"] = 700000 },
            Disks = [new VmDiskStats("vda", 10, 4096, 20, 8192, 0)],
        };
        return new ClusterMetricsSnapshot
        {
            Status = new ClusterStatus
            {
                Health = 75, Maintenance = false, PrimaryNode = "hv1", PvcVersion = "1.0.3", UpstreamIp = "10.0.0.250/24",
                NodeCount = 2, VmCount = vms, NetworkCount = 1, OsdCount = 1, PoolCount = 1, NodeStates = [], VmStates = [], ActiveFaults = [],
            },
            Nodes = [Node("hv1", 100), Node("hv2", 87)],
            Vms = [.. Enumerable.Range(0, vms).Select(i => new Vm
            {
                Uuid = Guid.NewGuid(), Name = $"vm{i:D4}", State = i % 3 == 2 ? VmState.Stop : VmState.Start, Node = i % 2 == 0 ? "hv1" : "hv2",
                Description = "a test VM", Profile = "default", Vcpus = 2, MemoryMiB = 1024, Tags = [new VmTag("web", "user", false)],
                NodeLimit = ["hv1", "hv2"], Stats = i % 3 == 2 ? null : stats,
            })],
            Osds = [new Osd { Id = 0, Node = "hv1", Stats = new OsdStats { Json = "{}", Up = true, In = true, Utilization = 12.5, Variance = 1, PlacementGroups = 33, SizeKiB = 104857600, UsedKiB = 13107200, AvailableKiB = 91750400 } }],
            Faults = [new Fault("NODE_FLUSHED_HV2", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null, FaultStatus.New, 25, "hv2 flushed")],
            VolumeCount = 3,
        };
    }
}
