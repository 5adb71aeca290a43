namespace Pvc.NodeService.Daemon;

/// <summary>What the node last read of a VM: enough for keepalive accounting.</summary>
internal sealed record KnownVm(Guid Uuid, string Name, string? Node, string State, long MemoryMiB, int Vcpus);
