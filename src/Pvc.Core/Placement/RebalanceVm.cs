namespace Pvc.Core.Placement;

/// <summary>A running VM as the rebalance planner weighs it.</summary>
/// <param name="Uuid">Its UUID.</param>
/// <param name="Name">Its name.</param>
/// <param name="Node">The node it runs on.</param>
/// <param name="MemoryMiB">Its memory.</param>
/// <param name="Vcpus">Its vCPUs.</param>
/// <param name="NodeLimit">The nodes it may run on; empty for any.</param>
public sealed record RebalanceVm(Guid Uuid, string Name, string Node, long MemoryMiB, int Vcpus, IReadOnlyList<string> NodeLimit);
