using Pvc.Core.Schema;

namespace Pvc.Core.Vms;

/// <summary>
/// A VM as a node service reads it to act on it: its state with the version a write back checks, where it is to run,
/// its stored domain XML and how it migrates.
/// </summary>
/// <param name="Uuid">The VM's UUID.</param>
/// <param name="Name">The VM's name.</param>
/// <param name="State">Its state.</param>
/// <param name="StateVersion">The version of the state key as read (a write based on this read checks it).</param>
/// <param name="Node">The node it is to run on, or null.</param>
/// <param name="LastNode">The node it ran on before the last migration (PVC's lastnode), or null.</param>
/// <param name="Xml">The stored domain XML.</param>
/// <param name="MigrationMethod">How it migrates: the method a flush imposed on its migration under way (<see cref="MigrationRequest.ImposedMethod"/>), else its own.</param>
/// <param name="MaxDowntime">The longest pause a live migration may cause.</param>
public sealed record HostedVm(Guid Uuid, string Name, VmState State, int StateVersion, string? Node, string? LastNode, string Xml,
    MigrationMethod MigrationMethod, TimeSpan MaxDowntime);
