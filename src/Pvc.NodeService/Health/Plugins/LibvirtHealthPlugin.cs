using Pvc.NodeService.Libvirt;

namespace Pvc.NodeService.Health.Plugins;

/// <summary>PVC's <c>lbvt</c> plugin: a fresh connection to the node's hypervisor (pvc.conf's <c>node.libvirt_uri</c>) that fails takes 50.</summary>
internal sealed class LibvirtHealthPlugin(string uri) : IHealthPlugin
{
    /// <summary>PVC's delta for an unreachable libvirt.</summary>
    public const int UnreachableDelta = 50;

    public string Name => "libvirt";

    // every node is a hypervisor: there is always a libvirt to check
    public Task<string?> SetupAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public async Task<HealthPluginOutcome> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Run(() =>
            {
                using var connection = LibvirtConnection.Open(uri);
                _ = connection.GetHostInfo();
            }, cancellationToken);
            return new HealthPluginOutcome(0, $"Connected to {uri}");
        }
        catch (Exception e) when (e is LibvirtException or DllNotFoundException)
        {
            return new HealthPluginOutcome(UnreachableDelta, $"Failed to connect to {uri}: {e.Message}");
        }
    }
}
