using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// The connections Connect-PvcCluster opened in each runspace and Disconnect-PvcCluster has not closed: what
/// Remove-Module closes (<see cref="ModuleCleanup"/>). Kept beside the runspace, as the default connection is.
/// </summary>
internal static class RunspaceConnections
{
    private static readonly ConditionalWeakTable<Runspace, List<ClusterConnection>> ByRunspace = [];

    public static void Add(ClusterConnection connection)
    {
        var rs = Runspace.DefaultRunspace ?? throw new InvalidOperationException("No runspace on this thread.");
        var list = ByRunspace.GetOrCreateValue(rs);
        lock (list)
            list.Add(connection);
    }

    public static void Remove(ClusterConnection connection)
    {
        if (Runspace.DefaultRunspace is { } rs && ByRunspace.TryGetValue(rs, out var list))
            lock (list)
                list.Remove(connection);
    }

    /// <summary>The open connection of the current runspace shown as <paramref name="text"/> (its name and servers), or null.</summary>
    public static ClusterConnection? Find(string text)
    {
        if (Runspace.DefaultRunspace is not { } rs || !ByRunspace.TryGetValue(rs, out var list))
            return null;
        lock (list)
            return list.FirstOrDefault(c => c.ToString() == text || c.Servers == text);
    }

    private static readonly ConditionalWeakTable<ClusterConnection, List<Task>> Jobs = [];

    /// <summary>Notes a job (its task, which never faults) that uses the connection.</summary>
    public static void UsedBy(ClusterConnection connection, Task job)
    {
        var list = Jobs.GetOrCreateValue(connection);
        lock (list)
        {
            list.RemoveAll(t => t.IsCompleted);
            list.Add(job);
        }
    }

    /// <summary>Ends when the jobs that use the connection have ended.</summary>
    public static Task JobsOf(ClusterConnection connection)
    {
        if (!Jobs.TryGetValue(connection, out var list))
            return Task.CompletedTask;
        lock (list)
            return Task.WhenAll(list.ToArray());
    }

    /// <summary>Takes every connection of the current runspace off the list.</summary>
    public static IReadOnlyList<ClusterConnection> TakeAll()
    {
        if (Runspace.DefaultRunspace is not { } rs || !ByRunspace.TryGetValue(rs, out var list))
            return [];
        lock (list)
        {
            var all = list.ToList();
            list.Clear();
            return all;
        }
    }
}
