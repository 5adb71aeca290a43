using System.Diagnostics;

namespace Pvc.NodeService.Fencing;

/// <summary>
/// PVC's reboot_via_ipmi: power off, confirm off, power on, check. The fence counts as done only when the BMC says
/// the chassis is off (PVC's rule, which also accepts a node that stays off), since only then can nothing of the
/// node still run. Instead of PVC's fixed 5 s and 2 s sleeps the status is asked until it says off, with a deadline.
/// </summary>
internal sealed class BmcFence(IpmiTool ipmi)
{
    /// <summary>How long the chassis may take to report off.</summary>
    public TimeSpan PowerOffTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Between status questions while waiting for off.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public async Task<BmcFenceResult> FenceAsync(BmcAddress? bmc, CancellationToken cancellationToken)
    {
        if (bmc is null)
            return new BmcFenceResult(false, "the node has no usable IPMI address (ipmihostname), so it cannot be fenced");
        if (!await ipmi.PowerAsync(bmc, on: false, cancellationToken))
        {
            // the off request may have been lost or refused: a BMC that already says off is still a fence
            if (await ipmi.StatusAsync(bmc, cancellationToken) != BmcPowerState.Off)
                return new BmcFenceResult(false, $"the BMC {bmc} did not take the power-off request");
        }
        var clock = Stopwatch.StartNew();
        while (await ipmi.StatusAsync(bmc, cancellationToken) != BmcPowerState.Off)
        {
            if (clock.Elapsed > PowerOffTimeout)
                return new BmcFenceResult(false, $"the BMC {bmc} did not report the chassis off within {PowerOffTimeout.TotalSeconds:0} s");
            await Task.Delay(PollInterval, cancellationToken);
        }
        // power on so that the node boots again (it comes back flushed); off is what makes the fence
        var on = await ipmi.PowerAsync(bmc, on: true, cancellationToken);
        var state = on ? await ipmi.StatusAsync(bmc, cancellationToken) : BmcPowerState.Unknown;
        return new BmcFenceResult(true, $"the BMC {bmc} powered the chassis off in {clock.Elapsed.TotalSeconds:0.0} s; power on {(on ? $"requested, now {state.ToString().ToLowerInvariant()}" : "refused")}");
    }
}
