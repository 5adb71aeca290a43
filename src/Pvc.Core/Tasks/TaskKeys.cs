namespace Pvc.Core.Tasks;

/// <summary>
/// Where cluster tasks live: under <c>/tasks</c>, a root key beside PVC's schema v15 keys (PVC's readers and its
/// schema validation look only at the keys they know, so they are unaffected). <c>/tasks/items/&lt;id&gt;</c> holds a
/// task's record (JSON); <c>/tasks/queue/&lt;node&gt;/&lt;id&gt;</c> is an empty marker for a Pending task routed to
/// that node, which its runner watches (a child watch per node, so no runner reads other nodes' tasks).
/// <c>/tasks/vmremove/&lt;vm uuid&gt;</c> holds the id of the VM's latest <c>vm.remove</c> task: while that task is
/// Pending or Running, the VM is not started (its marker outlives the task harmlessly: a finished or pruned task's
/// marker refuses nothing).
/// </summary>
public static class TaskKeys
{
    /// <summary>The root.</summary>
    public const string Root = "/tasks";
    /// <summary>The records, by id.</summary>
    public const string Items = "/tasks/items";
    /// <summary>The per-node queues of Pending tasks.</summary>
    public const string Queue = "/tasks/queue";

    /// <summary>The folders, parents first.</summary>
    public static IReadOnlyList<string> Folders { get; } = [Root, Items, Queue];

    /// <summary>The VMs' removal markers.</summary>
    public const string VmRemovals = "/tasks/vmremove";

    /// <summary>A VM's removal marker: the id of its latest vm.remove task.</summary>
    public static string VmRemoval(Guid vm) => $"{VmRemovals}/{vm:D}";

    /// <summary>A task's record.</summary>
    public static string Item(string id) => $"{Items}/{id}";

    /// <summary>A node's queue.</summary>
    public static string NodeQueue(string node) => $"{Queue}/{node}";

    /// <summary>A Pending task's marker in its node's queue.</summary>
    public static string Marker(string node, string id) => $"{Queue}/{node}/{id}";
}
