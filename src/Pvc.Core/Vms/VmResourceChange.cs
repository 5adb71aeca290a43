namespace Pvc.Core.Vms;

/// <summary>A change of a VM's vCPUs and memory (PVC's <c>pvc vm vcpu set</c> and <c>pvc vm memory set</c>); null leaves a value as it is.</summary>
public sealed record VmResourceChange
{
    /// <summary>The vCPUs.</summary>
    public int? Vcpus { get; init; }

    /// <summary>The vCPU topology; with <see cref="Vcpus"/> and none given, PVC's default (one socket, that many cores, one thread).</summary>
    public VcpuTopology? Topology { get; init; }

    /// <summary>The memory, MiB.</summary>
    public long? MemoryMiB { get; init; }

    /// <summary>True when nothing is asked for.</summary>
    public bool IsEmpty => Vcpus is null && Topology is null && MemoryMiB is null;
}
