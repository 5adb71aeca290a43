using Pvc.Core.Schema;

namespace Pvc.Core.Nodes;

/// <summary>What PVC's keepalive log lines say about a node beside its own figures: its role, the cluster's maintenance, its health and OSDs.</summary>
/// <param name="Role">The node's coordinator state (Unknown for a hypervisor-only node's "client").</param>
/// <param name="RoleText">The coordinator state as PVC writes it ("primary", "secondary", "client", ...).</param>
/// <param name="Maintenance">Whether the cluster is in maintenance.</param>
/// <param name="Health">The node's health in percent; null when it has not reported one.</param>
/// <param name="OsdCount">How many OSDs the node has.</param>
public sealed record NodeKeepaliveContext(CoordinatorState Role, string RoleText, bool Maintenance, int? Health, int OsdCount);
