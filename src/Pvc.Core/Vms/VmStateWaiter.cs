using System.Text;
using Pvc.Core.Errors;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

/// <summary>
/// Waits for a VM's state to satisfy a condition, on a ZooKeeper data watch (no polling), with a deadline;
/// each state seen is reported to the progress callback.
/// </summary>
public static class VmStateWaiter
{
    /// <summary>Waits until <paramref name="done"/> holds for the VM's state; returns that state.</summary>
    /// <exception cref="PvcTimeoutException">The deadline passed first.</exception>
    /// <exception cref="PvcNotFoundException">The VM was removed.</exception>
    public static async Task<VmState> WaitAsync(ZooKeeperClient zk, VmRef vm, Func<VmState, bool> done, TimeSpan timeout,
        Action<VmState>? progress = null, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var path = DomainKeys.Path(vm.Uuid, DomainKeys.State);
        VmState? last = null;
        try
        {
            while (true)
            {
                var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                DataResult data;
                try
                {
                    data = await zk.GetDataAsync(path, _ => changed.TrySetResult(), deadline.Token);
                }
                catch (NoNodeException)
                {
                    throw new PvcNotFoundException("VmNotFound", $"The VM '{vm.Name}' was removed while waiting for it.") { Target = vm.Name };
                }
                var state = Wire.VmState.Decode(Encoding.UTF8.GetString(data.Data));
                if (state != last)
                {
                    progress?.Invoke(state);
                    last = state;
                }
                if (done(state))
                    return state;
                await changed.Task.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PvcTimeoutException("WaitTimeout", $"The VM '{vm.Name}' is still {last?.ToString().ToLowerInvariant() ?? "unknown"} after {timeout.TotalSeconds:0.#} s; its node has not finished. Check the node with Get-PvcNode.") { Target = vm.Name };
        }
    }
}
