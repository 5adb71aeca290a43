using Pvc.Core.Schema;
using Pvc.Core.Vms;

namespace Pvc.NodeService.Daemon;

/// <summary>What the node last read of a VM: enough for keepalive accounting.</summary>
internal sealed record KnownVm(Guid Uuid, string Name, string? Node, VmState State, long MemoryMiB, int Vcpus)
{
    /// <summary>A migration to its node is asked for (it may be on its way here, or leaving).</summary>
    public bool IsMigrating => State is VmState.Migrate or VmState.MigrateLive;
}
