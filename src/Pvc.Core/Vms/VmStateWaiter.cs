using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.ZooKeeper;

namespace Pvc.Core.Vms;

/// <summary>Waits for a VM's state to satisfy a condition, on a ZooKeeper watch, with a deadline.</summary>
internal static class VmStateWaiter
{
    /// <summary>Waits until <paramref name="done"/> holds for the VM's state; returns that state.</summary>
    /// <exception cref="PvcException">OperationTimeout: The deadline passed first.</exception>
    /// <exception cref="PvcException">NotFound: The VM was removed.</exception>
    public static Task<VmState> WaitAsync(ZooKeeperClient zk, VmRef vm, Func<VmState, bool> done, TimeSpan timeout,
        Action<VmState>? progress = null, CancellationToken cancellationToken = default) =>
        ZnodeWaiter.WaitAsync(zk, DomainKeys.Path(vm.Uuid, DomainKeys.State), Wire.VmState.Decode, done, timeout, progress,
            () => new PvcException(PvcErrorKind.NotFound, PvcErrorIds.VmNotFound, $"The VM '{vm.Name}' was removed while waiting for it.") { Target = vm.Name },
            last => new PvcException(PvcErrorKind.OperationTimeout, PvcErrorIds.WaitTimeout, $"The VM '{vm.Name}' is still {Wire.VmState.Describe(last)} after {timeout.TotalSeconds:0.#} s; its node has not finished.") { Target = vm.Name },
            cancellationToken);
}
