using System.Text;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

public sealed partial class VmOperations
{
    /// <summary>
    /// What the VMs use, as rates: each running VM's stats report is read, then the next one its node writes (the next
    /// keepalive, on a watch), and the rates are taken between the two. A VM that is not running, or whose node writes no
    /// new report within <paramref name="timeout"/>, comes back with its last figures and no rates.
    /// </summary>
    /// <param name="vms">The VMs (as read by <see cref="ListAsync"/>).</param>
    /// <param name="timeout">How long to wait for the next reports (a keepalive interval and a bit: 5 s in PVC).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task<IReadOnlyList<VmStat>> GetStatsAsync(IReadOnlyList<Vm> vms, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vms);
        WaitTimeout.Validate(timeout);
        var first = new Dictionary<Guid, (VmStats? Stats, DateTimeOffset At, Task Changed)>();
        foreach (var vm in vms)
        {
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            // a VM that does not run gets no new report: nothing to wait for
            var running = vm.State == VmState.Start;
            var read = await ReadStatsAsync(vm.Uuid, running ? _ => changed.TrySetResult() : null, cancellationToken);
            first[vm.Uuid] = (read?.Stats, read?.At ?? default, running && read is not null ? changed.Task : Task.CompletedTask);
        }
        try
        {
            await Task.WhenAll(first.Values.Select(f => f.Changed)).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // those whose node did not report again come back without rates
        }
        var result = new List<VmStat>(vms.Count);
        foreach (var vm in vms)
        {
            var (stats, at, changed) = first[vm.Uuid];
            var second = changed.IsCompleted && vm.State == VmState.Start ? await ReadStatsAsync(vm.Uuid, null, cancellationToken) : null;
            result.Add(VmStat.From(vm.Name, vm.Uuid, vm.Node, stats, at, second?.Stats, second?.At ?? default));
        }
        return result;
    }

    private async Task<(VmStats? Stats, DateTimeOffset At)?> ReadStatsAsync(Guid uuid, Watcher? watcher, CancellationToken cancellationToken)
    {
        try
        {
            var data = await Zk.GetDataAsync(DomainKeys.Path(uuid, DomainKeys.Stats), watcher, cancellationToken);
            return (VmStats.Parse(Encoding.UTF8.GetString(data.Data)), DateTimeOffset.FromUnixTimeMilliseconds(data.Stat.ModifiedTime));
        }
        catch (NoNodeException)
        {
            return null;
        }
    }
}
