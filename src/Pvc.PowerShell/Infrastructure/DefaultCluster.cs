using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using Pvc.Core.Cluster;
using Pvc.Core.Connection;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// The default connection, one per runspace: runbooks in parallel runspaces each have their own and
/// never cross. Kept beside the runspace, not in a global variable or a static field.
/// </summary>
internal static class DefaultCluster
{
    private sealed class Holder
    {
        public ClusterConnection? Connection;
    }

    private static readonly ConditionalWeakTable<Runspace, Holder> ByRunspace = [];

    public static ClusterConnection? Get() =>
        Runspace.DefaultRunspace is { } rs && ByRunspace.TryGetValue(rs, out var h) ? h.Connection : null;

    public static void Set(ClusterConnection? connection)
    {
        var rs = Runspace.DefaultRunspace ?? throw new InvalidOperationException("No runspace on this thread.");
        ByRunspace.GetOrCreateValue(rs).Connection = connection;
    }
}
