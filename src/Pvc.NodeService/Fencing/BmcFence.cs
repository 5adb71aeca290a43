using System.Diagnostics;

namespace Pvc.NodeService.Fencing;

/// <summary>
/// PVC's reboot_via_ipmi: power off, confirm off, power on, check. The fence counts as done only when the BMC says
/// the chassis is off (PVC's rule, which also accepts a node that stays off), since only then can nothing of the
/// node still run. Instead of PVC's fixed 5 s and 2 s sleeps the status is asked until it says off, with a deadline;
/// and power on is a step of its own, taken after the recovery is written (PVC powers on first).
/// </summary>
internal sealed class BmcFence(IpmiTool ipmi)
{
    /// <summary>How long the chassis may take to report off.</summary>
    public TimeSpan PowerOffTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Between status questions while waiting for off.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Asks the BMC who it is (its system GUID) and refuses one that answers for another host than
    /// <paramref name="expected"/>; then powers the node off and asks until the BMC says off.
    /// </summary>
    public async Task<BmcFenceResult> PowerOffAsync(BmcAddress? bmc, BmcExpectation expected, CancellationToken cancellationToken)
    {
        if (bmc is null)
            return new BmcFenceResult(false, "the node has no usable IPMI address (ipmihostname), so it cannot be fenced");
        if (expected.Refusal(await ipmi.SystemGuidAsync(bmc, cancellationToken)) is { } refusal)
            return new BmcFenceResult(false, $"the BMC {bmc} was not used: {refusal}");
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
        return new BmcFenceResult(true, $"the BMC {bmc} reported the chassis off after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>
    /// Powers the node on again, so that it boots and rejoins (flushed): called only once the cluster has written
    /// the node off, so that a quick boot never finds its VMs still assigned to it. Done only when the BMC took the
    /// request and says on. With <paramref name="expected"/>, the
    /// BMC's identity is asked first, as before a power-off: a power-on made later than its fence goes to an address read then.
    /// </summary>
    public async Task<BmcFenceResult> PowerOnAsync(BmcAddress bmc, BmcExpectation? expected, CancellationToken cancellationToken)
    {
        if (expected is not null && expected.Refusal(await ipmi.SystemGuidAsync(bmc, cancellationToken)) is { } refusal)
            return new BmcFenceResult(false, $"the BMC {bmc} was not used: {refusal}");
        if (!await ipmi.PowerAsync(bmc, on: true, cancellationToken))
            return new BmcFenceResult(false, $"the BMC {bmc} did not take the power-on request");
        var state = await ipmi.StatusAsync(bmc, cancellationToken);
        return new BmcFenceResult(state == BmcPowerState.On, $"power on requested, the BMC {bmc} now says {state.ToString().ToLowerInvariant()}");
    }
}
