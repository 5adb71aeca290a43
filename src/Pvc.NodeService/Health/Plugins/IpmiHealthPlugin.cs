using Pvc.NodeService.Fencing;

namespace Pvc.NodeService.Health.Plugins;

/// <summary>
/// PVC's <c>ipmi</c> plugin: <c>ipmitool … chassis power status</c> against the node's own BMC (pvc.conf's
/// <c>fencing.ipmi</c>), three tries; a BMC that never answers takes 10 (the node could not be fenced). Not loaded
/// on a node without a BMC configured.
/// </summary>
internal sealed class IpmiHealthPlugin(BmcAddress? bmc, IpmiTool ipmitool) : IHealthPlugin
{
    /// <summary>PVC's delta for a BMC that does not answer.</summary>
    public const int UnreachableDelta = 10;

    private const int Tries = 3;

    public string Name => "ipmi";

    public Task<string?> SetupAsync(CancellationToken cancellationToken) =>
        Task.FromResult(bmc is null ? "no BMC is configured (fencing.ipmi in pvc.conf)" : null);

    public async Task<HealthPluginOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var address = bmc ?? throw new InvalidOperationException("The ipmi plugin runs only when a BMC is configured.");
        for (var i = 1; i <= Tries; i++)
        {
            var state = await ipmitool.StatusAsync(address, cancellationToken);
            if (state != BmcPowerState.Unknown)
                return new HealthPluginOutcome(0, $"The BMC {address.Host} answers (chassis power {(state == BmcPowerState.On ? "on" : "off")})");
        }
        return new HealthPluginOutcome(UnreachableDelta, $"The BMC {address.Host} did not answer in {Tries} tries: this node could not be fenced");
    }
}
