using System.Management.Automation;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// Remove-Module Pvc closes the connections this runspace opened: their ZooKeeper sessions end at once rather than
/// when the servers time them out, and nothing of the module keeps running. Other runspaces' connections stay open.
/// </summary>
public sealed class ModuleCleanup : IModuleAssemblyCleanup
{
    /// <inheritdoc />
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        foreach (var connection in RunspaceConnections.TakeAll())
            connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (System.Management.Automation.Runspaces.Runspace.DefaultRunspace is not null)
            DefaultCluster.Set(null);
    }
}
