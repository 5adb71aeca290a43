using System.Collections.Concurrent;
using Pvc.Core.Schema;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// The migration methods this node's flush imposes on the VMs it moves, in place of their own (a VM whose drain
/// strategy is restart is moved by shutdown, whatever its migration method): the flush controller sets one before it
/// asks for the migration and takes it back once the migration settled; the VM's sender looks here first.
/// </summary>
internal sealed class DrainMethods
{
    private readonly ConcurrentDictionary<Guid, MigrationMethod> _imposed = new();

    /// <summary>Imposes <paramref name="method"/> on the VM's migrations until the result is disposed.</summary>
    public IDisposable Impose(Guid vm, MigrationMethod method)
    {
        _imposed[vm] = method;
        return new Lifted(this, vm);
    }

    /// <summary>The method the VM's migration uses now: the one imposed, else its own.</summary>
    public MigrationMethod For(Guid vm, MigrationMethod own) => _imposed.TryGetValue(vm, out var imposed) ? imposed : own;

    private sealed class Lifted(DrainMethods owner, Guid vm) : IDisposable
    {
        public void Dispose() => owner._imposed.TryRemove(vm, out _);
    }
}
