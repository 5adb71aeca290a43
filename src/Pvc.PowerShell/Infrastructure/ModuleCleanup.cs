using System.Management.Automation;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// Remove-Module Pvc closes the connections this runspace opened: their ZooKeeper sessions end at once rather than
/// when the servers time them out, and nothing of the module keeps running. Other runspaces' connections stay open, and
/// a connection a running -AsJob uses is closed when its jobs end.
/// </summary>
public sealed class ModuleCleanup : IModuleAssemblyCleanup
{
    /// <inheritdoc />
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        foreach (var connection in RunspaceConnections.TakeAll())
        {
            var jobs = RunspaceConnections.JobsOf(connection);
            if (jobs.IsCompleted)
                connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
            else // a running -AsJob would fail (or wait out its timeout) on a closed connection: it is closed when they end
                _ = jobs.ContinueWith(_ => connection.DisposeAsync().AsTask(), TaskScheduler.Default).Unwrap()
                    .ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        }
        if (System.Management.Automation.Runspaces.Runspace.DefaultRunspace is not null)
            DefaultCluster.Set(null);
    }
}
