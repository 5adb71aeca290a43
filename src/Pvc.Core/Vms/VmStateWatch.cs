using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

/// <summary>A VM's state as read, with a one-shot watch armed by the same read: <see cref="Changed"/> ends when it changes.</summary>
internal sealed class VmStateWatch
{
    private VmStateWatch(VmState state, Task changed)
    {
        State = state;
        Changed = changed;
    }

    /// <summary>The state read.</summary>
    public VmState State { get; }

    /// <summary>Completes when the state znode changes (or goes) after the read.</summary>
    public Task Changed { get; }

    /// <summary>Reads the state and arms the watch; null when the VM no longer exists.</summary>
    public static async Task<VmStateWatch?> ArmAsync(ZooKeeperClient zk, VmRef vm, CancellationToken cancellationToken)
    {
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            var data = await zk.GetDataAsync(DomainKeys.Path(vm.Uuid, DomainKeys.State), _ => changed.TrySetResult(), cancellationToken);
            return new VmStateWatch(Wire.VmState.Decode(System.Text.Encoding.UTF8.GetString(data.Data)), changed.Task);
        }
        catch (NoNodeException)
        {
            return null;
        }
    }
}
