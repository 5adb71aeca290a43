using Microsoft.Extensions.Logging;
using Pvc.Core.Errors;
using Pvc.Core.Vms;

namespace Pvc.NodeService.Ceph;

/// <summary>
/// Breaks the RBD locks on a VM's disks, as PVC's <c>vm_worker_flush_locks</c>: every lock on every RBD volume of its
/// domain XML. Run by <c>vm.flush_locks</c> and by the fence recovery for each VM of a fenced node before it starts
/// elsewhere: the dead node's QEMU cannot release its locks itself.
/// </summary>
public sealed class VmDiskLocks(CephAccess ceph, ILogger log)
{
    /// <summary>Breaks every lock on the VM's RBD volumes; returns what it broke, by volume (<c>pool/volume</c>).</summary>
    /// <exception cref="PvcException">A volume is missing ("VolumeNotFound"), or Ceph could not be reached or refused.</exception>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<RbdLocker>>> FlushAsync(Vm vm, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vm);
        var broken = new Dictionary<string, IReadOnlyList<RbdLocker>>();
        var volumes = vm.Disks.Where(d => d.Type == "rbd").Select(d => d.Source).Distinct().ToList();
        if (volumes.Count == 0)
            return broken;
        var locks = new RbdLocks(await ceph.ConnectAsync(cancellationToken));
        foreach (var spec in volumes)
        {
            // the XML's image names passed Core's policy when written; one written past Core is checked here again
            var slash = spec.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
                throw new PvcException(PvcErrorKind.InvalidData, PvcErrorIds.InvalidRbdDisk, $"The VM '{vm.Name}' has the RBD disk '{spec}', which is not pool/volume.") { Target = vm.Name };
            var lockers = await locks.BreakAllAsync(spec[..slash], spec[(slash + 1)..], cancellationToken);
            foreach (var locker in lockers)
                log.LogWarning("VM {Vm}: broke the lock '{Cookie}' of {Client} ({Address}) on {Volume}", vm.Name, locker.Cookie, locker.Client, locker.Address, spec);
            broken[spec] = lockers;
        }
        return broken;
    }
}
