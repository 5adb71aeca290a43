using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;

namespace Pvc.Core.Vms;

// Reading VMs: the listing, one VM, the names, and waiting for a state.
public sealed partial class VmOperations
{
    /// <summary>The VMs that pass the filter, sorted by name (three round trips whatever their number).</summary>
    public Task<IReadOnlyList<Vm>> ListAsync(VmFilter? filter = null, CancellationToken cancellationToken = default, ReadCounter? counter = null) =>
        VmReader.ListAsync(Zk, filter, cancellationToken, counter);

    /// <summary>One VM by UUID.</summary>
    /// <exception cref="PvcException">NotFound: No VM has that UUID.</exception>
    public Task<Vm> GetAsync(Guid uuid, CancellationToken cancellationToken = default) => VmReader.GetAsync(Zk, uuid, cancellationToken);

    /// <summary>Every VM's UUID and name (for completion and name checks: no VM's other keys are read).</summary>
    public Task<IReadOnlyList<VmRef>> ListNamesAsync(CancellationToken cancellationToken = default) => VmResolver.ListAsync(Zk, cancellationToken);

    /// <summary>Waits, on a watch, until <paramref name="done"/> holds for the VM's state; returns that state.</summary>
    /// <exception cref="PvcException">OperationTimeout: The deadline passed first.</exception>
    /// <exception cref="PvcException">NotFound: The VM was removed.</exception>
    public Task<VmState> WaitForStateAsync(VmRef vm, Func<VmState, bool> done, TimeSpan timeout, Action<VmState>? progress = null, CancellationToken cancellationToken = default) =>
        VmStateWaiter.WaitAsync(Zk, vm, done, timeout, progress, cancellationToken);
}
