using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Reading;
using Pvc.Core.Schema;

namespace Pvc.Core.Storage;

/// <summary>
/// The checks a storage change passes before its task is submitted (the node that runs it checks again against Ceph):
/// what must exist does, what must not does not, sizes fit, and nothing a VM uses is destroyed. Each returns what the
/// task needs to know (the pool, the volume's users).
/// </summary>
public sealed class StorageOperations(ClusterConnection cluster)
{
    /// <summary>pool.add: the name is free.</summary>
    /// <exception cref="PvcException">AlreadyExists: "PoolExists".</exception>
    public async Task CheckAddPoolAsync(PoolRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await TryPoolAsync(request.Name, cancellationToken) is not null)
            throw new PvcException(PvcErrorKind.AlreadyExists, PvcErrorIds.PoolExists, $"A pool named '{request.Name}' exists already.") { Target = request.Name };
    }

    /// <summary>
    /// pool.remove: the pool exists, no VM has a disk in it (whatever the cluster records of its volumes: an image made
    /// outside Pvc is a VM's disk all the same, rev14 P2-6), and it holds no recorded volume unless
    /// <paramref name="force"/> (its volumes go with it). The node checks Ceph's own list of the pool's images again.
    /// </summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound"; InvalidOperation: "PoolNotEmpty", "VolumeInUse".</exception>
    public async Task<Pool> CheckRemovePoolAsync(string name, bool force, CancellationToken cancellationToken = default)
    {
        var pool = await cluster.Pools.GetAsync(name, cancellationToken);
        var users = await UsersAsync(cancellationToken);
        if (users.FirstOrDefault(u => u.Key.StartsWith(name + "/", StringComparison.Ordinal)) is { Key: not null } used)
            throw InUse(used.Key, used.Value);
        if (pool.VolumeCount > 0 && !force)
            throw PoolNotEmpty(name, pool.VolumeCount);
        return pool;
    }

    /// <summary>The refusal of a pool removal that would destroy <paramref name="volumes"/> volume(s) without force.</summary>
    public static PvcException PoolNotEmpty(string name, int volumes) =>
        new(PvcErrorKind.InvalidOperation, PvcErrorIds.PoolNotEmpty,
            $"Pool '{name}' holds {volumes} volume(s), which its removal destroys; remove them first, or force the removal.") { Target = name };

    /// <summary>pool.set_pgs: the pool exists.</summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound".</exception>
    public Task<Pool> CheckSetPoolPgsAsync(PoolRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return cluster.Pools.GetAsync(request.Name, cancellationToken);
    }

    /// <summary>volume.add: the pool exists, the name is free in it, and the size fits (<see cref="PoolSpace"/>).</summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound"; AlreadyExists: "VolumeExists"; LimitExceeded: "VolumeTooLarge", "PoolNearlyFull"; ResourceUnavailable: "PoolUsageUnknown".</exception>
    public async Task<Pool> CheckAddVolumeAsync(VolumeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pool = await cluster.Pools.GetAsync(request.Pool, cancellationToken);
        await RequireFreeAsync(request.Pool, request.Name, cancellationToken);
        PoolSpace.Check(pool, request.SizeBytes ?? throw MissingSize(request), request.Force, request.ToString());
        return pool;
    }

    /// <summary>volume.clone: the volume exists, the copy's name is free, and a copy of its size fits.</summary>
    /// <exception cref="PvcException">As <see cref="CheckAddVolumeAsync"/>, and NotFound: "VolumeNotFound".</exception>
    public async Task<Volume> CheckCopyVolumeAsync(VolumeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var volume = await cluster.Volumes.GetAsync(request.Pool, request.Name, cancellationToken);
        await RequireFreeAsync(request.Pool, request.NewName ?? throw MissingName(request), cancellationToken);
        var pool = await cluster.Pools.GetAsync(request.Pool, cancellationToken);
        PoolSpace.Check(pool, volume.Stats?.SizeBytes ?? 1, request.Force, $"{request.Pool}/{request.NewName}");
        return volume;
    }

    /// <summary>
    /// volume.resize: the volume exists and its growth fits. Returns the VM using it (when one does): a running VM's
    /// guest must be told of the new size on its node.
    /// </summary>
    /// <exception cref="PvcException">NotFound: "VolumeNotFound"; LimitExceeded: "VolumeTooLarge", "PoolNearlyFull"; InvalidOperation: "VolumeShrinkRefused".</exception>
    public async Task<VolumeUser?> CheckResizeVolumeAsync(VolumeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var size = request.SizeBytes ?? throw MissingSize(request);
        var volume = await cluster.Volumes.GetAsync(request.Pool, request.Name, cancellationToken);
        if (volume.Stats?.SizeBytes is { } current)
        {
            if (size < current)
                throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.VolumeShrinkRefused,
                    $"Volume '{request}' is {ByteSize.Format(current)}; {ByteSize.Format(size)} would cut off its end and the data there. Pvc does not shrink volumes.") { Target = request.ToString() };
            if (size > current)
                PoolSpace.Check(await cluster.Pools.GetAsync(request.Pool, cancellationToken), size - current, request.Force, request.ToString());
        }
        return (await UsersAsync(cancellationToken)).GetValueOrDefault(request.ToString());
    }

    /// <summary>volume.rename: the volume exists, no VM uses it (its disk would point at nothing), and the new name is free.</summary>
    /// <exception cref="PvcException">NotFound: "VolumeNotFound"; AlreadyExists: "VolumeExists"; InvalidOperation: "VolumeInUse".</exception>
    public async Task CheckRenameVolumeAsync(VolumeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await cluster.Volumes.GetAsync(request.Pool, request.Name, cancellationToken);
        await RequireUnusedAsync(request, cancellationToken);
        await RequireFreeAsync(request.Pool, request.NewName ?? throw MissingName(request), cancellationToken);
    }

    /// <summary>volume.remove: the volume exists and no defined VM has it among its disks.</summary>
    /// <exception cref="PvcException">NotFound: "VolumeNotFound"; InvalidOperation: "VolumeInUse".</exception>
    public async Task<Volume> CheckRemoveVolumeAsync(VolumeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var volume = await cluster.Volumes.GetAsync(request.Pool, request.Name, cancellationToken);
        await RequireUnusedAsync(request, cancellationToken);
        return volume;
    }

    /// <summary>
    /// volume.upload: the pool exists and, when the volume does, no running VM has it (its guest would see its disk
    /// change under it). Returns the volume, or null when the upload makes it; its size is checked on the node, which
    /// knows the image's.
    /// </summary>
    /// <exception cref="PvcException">NotFound: "PoolNotFound"; InvalidOperation: "VolumeInUse".</exception>
    public async Task<Volume?> CheckUploadVolumeAsync(VolumeUploadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await cluster.Pools.GetAsync(request.Pool, cancellationToken);
        Volume volume;
        try
        {
            volume = await cluster.Volumes.GetAsync(request.Pool, request.Name, cancellationToken);
        }
        catch (PvcException e) when (e.ErrorId == PvcErrorIds.VolumeNotFound)
        {
            return null;
        }
        var spec = request.ToString();
        if ((await UsersAsync(cancellationToken)).GetValueOrDefault(spec) is { IsRunning: true } user)
            throw InUse(spec, user, "running; stop it before writing an image over its disk");
        return volume;
    }

    /// <summary>The refusal of an image of <paramref name="imageBytes"/> that does not fit in a volume of <paramref name="volumeBytes"/>.</summary>
    public static PvcException ImageTooLarge(string spec, long imageBytes, long volumeBytes) =>
        new(PvcErrorKind.LimitExceeded, PvcErrorIds.ImageTooLarge,
            $"The image is {ByteSize.Format(imageBytes)} ({imageBytes} bytes); volume '{spec}' is {ByteSize.Format(volumeBytes)} ({volumeBytes} bytes). Grow the volume first, or upload into a new volume.") { Target = spec };

    /// <summary>snapshot.add: the volume exists and the snapshot's name is free.</summary>
    /// <exception cref="PvcException">NotFound: "VolumeNotFound"; AlreadyExists: "SnapshotExists".</exception>
    public async Task CheckAddSnapshotAsync(SnapshotRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await cluster.Volumes.GetAsync(request.Pool, request.Volume, cancellationToken);
        await RequireNoSnapshotAsync(request.Pool, request.Volume, request.Name, cancellationToken);
    }

    /// <summary>snapshot.rename: the snapshot exists and the new name is free.</summary>
    /// <exception cref="PvcException">NotFound: "SnapshotNotFound"; AlreadyExists: "SnapshotExists".</exception>
    public async Task CheckRenameSnapshotAsync(SnapshotRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await cluster.Snapshots.GetAsync(request.Pool, request.Volume, request.Name, cancellationToken);
        await RequireNoSnapshotAsync(request.Pool, request.Volume, request.NewName ?? throw new ArgumentException("A rename needs the new name.", nameof(request)), cancellationToken);
    }

    /// <summary>snapshot.remove: the snapshot exists.</summary>
    /// <exception cref="PvcException">NotFound: "SnapshotNotFound".</exception>
    public Task<Snapshot> CheckRemoveSnapshotAsync(SnapshotRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return cluster.Snapshots.GetAsync(request.Pool, request.Volume, request.Name, cancellationToken);
    }

    /// <summary>snapshot.rollback: the snapshot exists, and no running VM has the volume (its guest would see its disk change under it).</summary>
    /// <exception cref="PvcException">NotFound: "SnapshotNotFound"; InvalidOperation: "VolumeInUse".</exception>
    public async Task<Snapshot> CheckRollbackSnapshotAsync(SnapshotRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var snapshot = await cluster.Snapshots.GetAsync(request.Pool, request.Volume, request.Name, cancellationToken);
        var spec = $"{request.Pool}/{request.Volume}";
        if ((await UsersAsync(cancellationToken)).GetValueOrDefault(spec) is { IsRunning: true } user)
            throw InUse(spec, user, "running; stop it before rolling its disk back");
        return snapshot;
    }

    /// <summary>Every volume a defined VM has among its disks ("pool/volume" from its rbdlist), with that VM; two round trips.</summary>
    public async Task<IReadOnlyDictionary<string, VolumeUser>> UsersAsync(CancellationToken cancellationToken = default)
    {
        var users = new Dictionary<string, VolumeUser>(StringComparer.Ordinal);
        foreach (var (spec, user) in await UsesAsync(cancellationToken))
            users.TryAdd(spec, user);
        return users;
    }

    /// <summary>
    /// vm.remove with its volumes (PVC's vm remove): no other defined VM has any of <paramref name="volumes"/>
    /// ("pool/volume") among its disks, whose disk its deletion would take away.
    /// </summary>
    /// <exception cref="PvcException">InvalidOperation: "VolumeInUse".</exception>
    public async Task CheckRemoveVmVolumesAsync(Guid vm, string vmName, IReadOnlyCollection<string> volumes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        if (await SharedWithAnotherAsync(vm, volumes, cancellationToken) is { } shared)
            throw InUse(shared.Spec, shared.User,
                $"as well as of VM '{vmName}'; nothing was removed. Remove the disk from VM '{shared.User.Name ?? shared.User.Uuid.ToString()}' first, or remove VM '{vmName}' keeping its volumes", also: true);
    }

    /// <summary>
    /// vm.rename with its volumes (PVC's vm rename): no other defined VM has one of the volumes among its disks (its disk
    /// would point at nothing), no two get one new name, and each new name is free.
    /// </summary>
    /// <exception cref="PvcException">InvalidOperation: "VolumeInUse"; AlreadyExists: "VolumeExists".</exception>
    public async Task CheckRenameVmVolumesAsync(Guid vm, string vmName, IReadOnlyCollection<VolumeRename> renames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(renames);
        if (await SharedWithAnotherAsync(vm, [.. renames.Select(r => r.From)], cancellationToken) is { } shared)
            throw InUse(shared.Spec, shared.User,
                $"as well as of VM '{vmName}', whose rename would rename it; nothing was renamed. Remove the disk from VM '{shared.User.Name ?? shared.User.Uuid.ToString()}' first, or keep the volumes' names", also: true);
        if (renames.GroupBy(r => r.To, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } clash)
            throw new PvcException(PvcErrorKind.AlreadyExists, PvcErrorIds.VolumeExists,
                $"The volumes {string.Join(" and ", clash.Select(r => r.From))} would both be renamed to '{clash.Key}'; nothing was renamed. Keep the volumes' names.") { Target = clash.Key };
        foreach (var r in renames)
            await RequireFreeAsync(r.Pool, r.NewName, cancellationToken);
    }

    /// <summary>
    /// A VM's define or new XML (PVC's vm define, vm modify): no other defined VM has any of <paramref name="volumes"/>
    /// ("pool/volume") among its disks (its rbdlist), as Add-PvcVmVolume checks: two VMs writing one RBD image corrupt it.
    /// </summary>
    /// <exception cref="PvcException">InvalidOperation: "VolumeInUse".</exception>
    public async Task CheckVmVolumesFreeAsync(Guid vm, string vmName, IReadOnlyCollection<string> volumes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        if (await SharedWithAnotherAsync(vm, volumes, cancellationToken) is { } shared)
            throw new PvcException(PvcErrorKind.InvalidOperation, PvcErrorIds.VolumeInUse,
                $"The volume {shared.Spec} is a disk of the VM '{shared.User.Name ?? shared.User.Uuid.ToString()}' already: two VMs writing one RBD image corrupt it. Remove it from that VM first, or give VM '{vmName}' another volume; nothing was written.") { Target = vmName };
    }

    // the first of the volumes ("pool/volume") another defined VM than vm has among its disks; null when none (or no volumes)
    private async Task<(string Spec, VolumeUser User)?> SharedWithAnotherAsync(Guid vm, IReadOnlyCollection<string> volumes, CancellationToken cancellationToken)
    {
        if (volumes.Count == 0)
            return null;
        var wanted = volumes.ToHashSet(StringComparer.Ordinal);
        return (await UsesAsync(cancellationToken)).Where(u => u.User.Uuid != vm && wanted.Contains(u.Spec)).Select(u => ((string, VolumeUser)?)u).FirstOrDefault();
    }

    // every (volume, VM) pair of the defined VMs' rbdlists, in the VMs' order
    private async Task<List<(string Spec, VolumeUser User)>> UsesAsync(CancellationToken cancellationToken)
    {
        var batch = new ZnodeBatch(cluster.ZooKeeper).Children(BaseKeys.Domains);
        await batch.ReadAsync(cancellationToken);
        var uuids = LockNodes.Without(batch.ChildrenOf(BaseKeys.Domains) ?? []).Where(u => Guid.TryParse(u, out _)).ToList();
        foreach (var u in uuids)
            batch.Data(DomainKeys.Schema.Root(u)).Data(DomainKeys.Schema.Path(u, DomainKeys.StorageVolumes))
                .Data(DomainKeys.Schema.Path(u, DomainKeys.State)).Data(DomainKeys.Schema.Path(u, DomainKeys.Node));
        await batch.ReadAsync(cancellationToken);
        var uses = new List<(string, VolumeUser)>();
        foreach (var u in uuids)
        {
            var user = new VolumeUser(Guid.Parse(u), PvcText.Decode(batch.Text(DomainKeys.Schema.Root(u))),
                Wire.VmState.Decode(batch.Text(DomainKeys.Schema.Path(u, DomainKeys.State))), PvcText.Decode(batch.Text(DomainKeys.Schema.Path(u, DomainKeys.Node))));
            foreach (var spec in PvcList.DecodeComma(batch.Text(DomainKeys.Schema.Path(u, DomainKeys.StorageVolumes))))
                uses.Add((spec, user));
        }
        return uses;
    }

    private async Task RequireUnusedAsync(VolumeRequest request, CancellationToken cancellationToken)
    {
        if ((await UsersAsync(cancellationToken)).GetValueOrDefault(request.ToString()) is { } user)
            throw InUse(request.ToString(), user);
    }

    private static PvcException InUse(string spec, VolumeUser user, string? why = null, bool also = false) =>
        new(PvcErrorKind.InvalidOperation, PvcErrorIds.VolumeInUse,
            $"Volume '{spec}' is a disk of VM '{user.Name ?? user.Uuid.ToString()}'{(why is null ? "; remove the disk from the VM first" : also ? $" {why}" : $", which is {why}")}.") { Target = spec };

    private async Task<Pool?> TryPoolAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await cluster.Pools.GetAsync(name, cancellationToken);
        }
        catch (PvcException e) when (e.ErrorId == PvcErrorIds.PoolNotFound)
        {
            return null;
        }
    }

    private async Task RequireFreeAsync(string pool, string volume, CancellationToken cancellationToken)
    {
        try
        {
            await cluster.Volumes.GetAsync(pool, volume, cancellationToken);
        }
        catch (PvcException e) when (e.ErrorId == PvcErrorIds.VolumeNotFound)
        {
            return;
        }
        throw new PvcException(PvcErrorKind.AlreadyExists, PvcErrorIds.VolumeExists, $"A volume named '{volume}' exists already in pool '{pool}'; choose another name.") { Target = $"{pool}/{volume}" };
    }

    private async Task RequireNoSnapshotAsync(string pool, string volume, string name, CancellationToken cancellationToken)
    {
        try
        {
            await cluster.Snapshots.GetAsync(pool, volume, name, cancellationToken);
        }
        catch (PvcException e) when (e.ErrorId == PvcErrorIds.SnapshotNotFound)
        {
            return;
        }
        throw new PvcException(PvcErrorKind.AlreadyExists, PvcErrorIds.SnapshotExists, $"Volume '{pool}/{volume}' has a snapshot named '{name}' already; choose another name.") { Target = $"{pool}/{volume}@{name}" };
    }

    private static ArgumentException MissingSize(VolumeRequest request) => new($"The request for '{request}' carries no size.", nameof(request));

    private static ArgumentException MissingName(VolumeRequest request) => new($"The request for '{request}' carries no new name.", nameof(request));
}
