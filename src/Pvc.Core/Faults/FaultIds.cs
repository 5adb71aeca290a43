using System.Globalization;

namespace Pvc.Core.Faults;

/// <summary>The ids of the faults Pvc raises, in PVC's uppercase form, with the health delta each takes.</summary>
public static class FaultIds
{
    /// <summary>PVC's dead_or_fenced_node delta.</summary>
    public const int DeadNodeDelta = 50;

    /// <summary>A failed fence leaves a node's VMs nowhere to run: as serious as a dead node.</summary>
    public const int FenceFailedDelta = 50;

    /// <summary><c>DEAD_NODE_&lt;NODE&gt;</c>: a node's keepalive went stale (PVC's id).</summary>
    public static string DeadNode(string node) => $"DEAD_NODE_{Upper(node)}";

    /// <summary><c>FENCE_FAILED_&lt;NODE&gt;</c>: a dead node's BMC did not confirm power off, so its VMs were left where they were.</summary>
    public static string FenceFailed(string node) => $"FENCE_FAILED_{Upper(node)}";

    /// <summary><c>CEPH_OSD_OUT_&lt;ID&gt;</c>: an OSD is out (PVC's id).</summary>
    public static string OsdOut(int id) => string.Create(CultureInfo.InvariantCulture, $"CEPH_OSD_OUT_{id}");

    /// <summary><c>CEPH_WARN_&lt;CHECK&gt;</c>: Ceph reports a check at HEALTH_WARN (PVC's id).</summary>
    public static string CephWarning(string check) => $"CEPH_WARN_{Upper(check)}";

    /// <summary><c>CEPH_ERR_&lt;CHECK&gt;</c>: Ceph reports a check at HEALTH_ERR (PVC's id).</summary>
    public static string CephError(string check) => $"CEPH_ERR_{Upper(check)}";

    /// <summary><c>VM_FAILED_&lt;VMNAME&gt;</c>: a VM is in the fail state (PVC's id).</summary>
    public static string VmFailed(string vm) => $"VM_FAILED_{Upper(vm)}";

    /// <summary>
    /// <c>NODE_PLUGIN_&lt;PLUGIN&gt;_&lt;NODE&gt;</c>: a node's health plugin found a problem (PVC's id); the fault takes half
    /// the plugin's health delta (<see cref="NodePluginDelta"/>).
    /// </summary>
    public static string NodePlugin(string plugin, string node) => $"NODE_PLUGIN_{Upper(plugin)}_{Upper(node)}";

    /// <summary>The delta of a plugin's fault: half the plugin's health delta, rounded down, as PVC's int(delta/2).</summary>
    public static int NodePluginDelta(int pluginDelta) => pluginDelta / 2;

    /// <summary><c>MEMORY_OVERPROVISIONED</c>: the VMs' memory would not fit the cluster without its largest node (PVC's id).</summary>
    public const string MemoryOverprovisioned = "MEMORY_OVERPROVISIONED";

    /// <summary>A hard placement rule broken to keep VMs running: less than a dead node, more than a warning.</summary>
    public const int PlacementRuleBrokenDelta = 10;

    /// <summary><c>PLACEMENT_RULE_BROKEN_&lt;RULE&gt;</c>: fence recovery started VMs against a hard placement rule (Pvc's own).</summary>
    public static string PlacementRuleBroken(string rule) => $"PLACEMENT_RULE_BROKEN_{Upper(rule)}";

    // a fault id is a znode name: what came from the cluster (a VM's or Ceph check's name) keeps only the characters
    // of PVC's ids, so no value can reach another path
    private static string Upper(string name) =>
        string.Concat(name.ToUpper(CultureInfo.InvariantCulture).Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_'));
}
