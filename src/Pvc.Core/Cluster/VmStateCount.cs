using Pvc.Core.Schema;
using Pvc.Core.Vms;

namespace Pvc.Core.Cluster;

/// <summary>How many VMs are in one state.</summary>
/// <param name="State">The VM state.</param>
/// <param name="Count">How many VMs.</param>
public sealed record VmStateCount(VmState State, int Count);
