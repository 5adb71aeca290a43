using System.Globalization;

namespace Pvc.Core.Vms;

/// <summary>A VM's vCPU topology, libvirt's <c>&lt;cpu&gt;&lt;topology sockets cores threads/&gt;</c>.</summary>
/// <param name="Sockets">Sockets.</param>
/// <param name="Cores">Cores a socket.</param>
/// <param name="Threads">Threads a core.</param>
public sealed record VcpuTopology(int Sockets, int Cores, int Threads)
{
    /// <summary>The vCPUs it holds: sockets × cores × threads.</summary>
    public long Count => (long)Sockets * Cores * Threads;

    /// <summary>PVC's default for <paramref name="vcpus"/> vCPUs when no topology is given (<c>pvc vm vcpu set</c>): one socket, that many cores, one thread.</summary>
    public static VcpuTopology Default(int vcpus) => new(1, vcpus, 1);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Sockets},{Cores},{Threads}");
}
