using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Storage;
using Pvc.Core.Vms;
using Pvc.NodeService.Ceph;
using Pvc.NodeService.Tasks;

namespace Pvc.NodeService.Storage;

/// <summary>
/// The storage tasks as a node runs them (PVC's ceph.py, which its API runs on the primary): each reads its request
/// back from the task's arguments and checks it again against the cluster (nothing read from ZooKeeper reaches Ceph
/// unchecked), makes the change in Ceph, then writes the keys in one transaction; a create whose keys cannot be
/// written removes what it made in Ceph, and a rename is undone.
/// </summary>
public sealed class StorageWork(ClusterConnection cluster, CephAccess ceph, ILogger log, IGuestVolumeResize? guestResize = null, UploadScratch? uploads = null)
{
    private readonly StorageHostOperations _keys = new(cluster);

    /// <summary>
    /// Tests only: called by an upload with the image's path once the open image file has been checked, before anything
    /// reads it again (a test swaps the file at the path here).
    /// </summary>
    internal Func<string, Task>? ImageChecked { get; init; }

    private StorageOperations Checks => cluster.Storage;

    /// <summary>pool.add: the crush rule of its tier, the pool (size, min_size, rbd application), then its keys.</summary>
    public async Task<JsonNode?> AddPoolAsync(JsonObject args, CancellationToken cancellationToken)
    {
        var request = PoolRequest.FromArguments(args);
        var pgs = request.PlacementGroups ?? throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTaskArguments, "pool.add needs 'pgs'.");
        await Checks.CheckAddPoolAsync(request, cancellationToken);
        var monitor = await ceph.MonitorAsync(cancellationToken);
        if (request.CrushRule is { } rule)
            await monitor.EnsureCrushRuleAsync(rule, Core.Schema.Wire.PoolTier.Encode(request.Tier), cancellationToken);
        await monitor.CreatePoolAsync(request.Name, pgs, request.Replication ?? PoolReplication.Default, request.CrushRule, cancellationToken);
        await UndoOnFailureAsync(() => _keys.AddPoolAsync(request, cancellationToken),
            () => monitor.RemovePoolAsync(request.Name, CancellationToken.None), $"pool {request.Name}");
        return Result(request.Name);
    }

    /// <summary>
    /// pool.remove: refused while it holds volumes unless forced (the recorded ones, and the images Ceph lists in it:
    /// rev14 P2-6); the pool (and its volumes) in Ceph, then its keys.
    /// </summary>
    public async Task<JsonNode?> RemovePoolAsync(JsonObject args, CancellationToken cancellationToken)
    {
        var request = PoolRequest.FromArguments(args);
        var force = args["force"] is JsonValue f && f.TryGetValue<bool>(out var forced) && forced;
        await Checks.CheckRemovePoolAsync(request.Name, force, cancellationToken);
        if (!force)
        {
            try
            {
                var images = await (await ceph.ImagesAsync(cancellationToken)).ListAsync(request.Name, cancellationToken);
                if (images.Count > 0)
                    throw StorageOperations.PoolNotEmpty(request.Name, images.Count);
            }
            catch (PvcException e) when (e.ErrorId == PvcErrorIds.PoolNotFound)
            {
                // no pool in Ceph: only its keys are left to remove
            }
        }
        var monitor = await ceph.MonitorAsync(cancellationToken);
        try
        {
            await monitor.RemovePoolAsync(request.Name, cancellationToken);
        }
        catch (PvcException e) when (e.ErrorId == PvcErrorIds.PoolNotFound)
        {
            log.LogWarning("Pool {Pool} was not in Ceph; removing its keys", request.Name);
        }
        await _keys.RemovePoolAsync(request.Name, cancellationToken);
        return Result(request.Name);
    }

    /// <summary>pool.set_pgs: pg_num and pgp_num in Ceph, then the key.</summary>
    public async Task<JsonNode?> SetPoolPgsAsync(JsonObject args, CancellationToken cancellationToken)
    {
        var request = PoolRequest.FromArguments(args);
        var pgs = request.PlacementGroups ?? throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTaskArguments, "pool.set_pgs needs 'pgs'.");
        await Checks.CheckSetPoolPgsAsync(request, cancellationToken);
        await (await ceph.MonitorAsync(cancellationToken)).SetPlacementGroupsAsync(request.Name, pgs, cancellationToken);
        await _keys.SetPoolPgsAsync(request.Name, pgs, cancellationToken);
        return Result(request.Name);
    }

    /// <summary>volume.add: checked against the pool's space, created, scanned, then its keys.</summary>
    public async Task<JsonNode?> AddVolumeAsync(JsonObject args, CancellationToken cancellationToken)
    {
        var request = VolumeRequest.FromArguments(args);
        await Checks.CheckAddVolumeAsync(request, cancellationToken);
        var images = await ceph.ImagesAsync(cancellationToken);
        await images.CreateAsync(request.Pool, request.Name, request.SizeBytes!.Value, cancellationToken);
        await UndoOnFailureAsync(async () => await _keys.AddVolumeAsync(request.Pool, request.Name, await images.ScanAsync(request.Pool, request.Name, null, cancellationToken), cancellationToken),
            () => images.RemoveAsync(request.Pool, request.Name, CancellationToken.None), $"volume {request}");
        return Result(request.Pool, request.Name);
    }

    /// <summary>
    /// volume.upload (PVC's upload): the image file, read on this node, into the volume. The file is opened once and
    /// every step reads that open file (<see cref="ImageFile"/>), so a file swapped in at the path after the checks is
    /// not what goes in. A raw image's bytes go in as they are; another format is checked (no backing or other
    /// referenced file) and converted with <c>qemu-img convert -O raw</c> into the task's folder in the node's upload
    /// scratch directory (<see cref="UploadScratch"/>: on disk, mode 0700) first. A volume that exists must be at least
    /// the image's (virtual) size and not a running VM's disk; one that does not is made of that size with volume.add's
    /// checks (recorded in the task's folder before it is made, and its id once made, so that a start after a kill
    /// removes it: <see cref="UploadScratch.SweepAsync"/>), and removed again when the upload fails. Progress: the
    /// conversion, then the bytes written.
    /// </summary>
    public async Task<JsonNode?> ImportVolumeAsync(ClusterTaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = VolumeUploadRequest.FromArguments(context.Arguments);
        var spec = request.ToString();
        var recorded = await Checks.CheckUploadVolumeAsync(request, cancellationToken);
        // checked here again: a task can be written past the cmdlet
        await HostFilePolicy.CheckImagePathAsync(context.Cluster, request.Path, cancellationToken);
        using var image = ImageFile.Open(request.Path);
        var imageBytes = request.IsRaw ? image.Length : await QemuImage.VirtualSizeAsync(image, request.Format, cancellationToken);
        if (ImageChecked is { } checkedHook)
            await checkedHook(request.Path);
        if (imageBytes <= 0)
            throw new PvcException(PvcErrorKind.InvalidData, PvcErrorIds.ImageUnreadable, $"Image '{request.Path}' is empty.") { Target = request.Path };
        var images = await ceph.ImagesAsync(cancellationToken);
        var volumeBytes = imageBytes % 512 == 0 ? imageBytes : imageBytes + 512 - imageBytes % 512;
        if (recorded is not null)
        {
            var size = (await images.GetInfoAsync(request.Pool, request.Name, cancellationToken)).SizeBytes;
            if (imageBytes > size)
                throw StorageOperations.ImageTooLarge(spec, imageBytes, size);
        }
        else
        {
            await Checks.CheckAddVolumeAsync(new VolumeRequest(request.Pool, request.Name, volumeBytes, force: request.Force), cancellationToken);
        }

        var folder = (uploads ?? throw new InvalidOperationException("This node service has no upload scratch directory.")).Create(context.Task.Id);
        Microsoft.Win32.SafeHandles.SafeFileHandle? converted = null;
        var created = false;
        try
        {
            var source = image.Handle;
            if (!request.IsRaw)
            {
                await context.ReportAsync(0, 100, $"converting {request.Format} to raw", cancellationToken);
                await QemuImage.ConvertAsync(image, request.Format, folder.ConvertedImage, p => context.ReportAsync(p, 100, $"converting {request.Format} to raw", cancellationToken), cancellationToken);
                converted = File.OpenHandle(folder.ConvertedImage, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
                var length = RandomAccess.GetLength(converted);
                if (length != imageBytes)
                    throw new PvcException(PvcErrorKind.InvalidData, PvcErrorIds.ImageUnreadable,
                        $"Image '{request.Path}' converted to {length} bytes, not its virtual size of {imageBytes}.") { Target = request.Path };
                source = converted;
            }
            if (recorded is null)
            {
                // recorded first: a kill from here on leaves a record the next start settles
                folder.RecordCreating(request.Pool, request.Name);
                await images.CreateAsync(request.Pool, request.Name, volumeBytes, cancellationToken);
                created = true;
                folder.RecordCreated(request.Pool, request.Name, (await images.GetInfoAsync(request.Pool, request.Name, cancellationToken)).Id);
            }
            var totalMiB = (int)Math.Max(1, (imageBytes + (1 << 20) - 1) >> 20);
            var lastReport = DateTime.MinValue;
            await images.WriteFromFileAsync(request.Pool, request.Name, source, imageBytes, skipZeros: created, async (written, token) =>
            {
                // a report is a ZooKeeper write: at most a few a second
                if (written < imageBytes && DateTime.UtcNow - lastReport < TimeSpan.FromMilliseconds(500))
                    return;
                lastReport = DateTime.UtcNow;
                await context.ReportAsync((int)(written >> 20), totalMiB, $"writing {spec}: {ByteSize.Format(written)} of {ByteSize.Format(imageBytes)}", token);
            }, cancellationToken);
            if (created)
                await UndoOnFailureAsync(async () => await _keys.AddVolumeAsync(request.Pool, request.Name, await images.ScanAsync(request.Pool, request.Name, null, cancellationToken), cancellationToken),
                    () => images.RemoveAsync(request.Pool, request.Name, CancellationToken.None), $"volume {spec}");
            else
                await _keys.UpdateVolumeAsync(request.Pool, request.Name, await images.ScanAsync(request.Pool, request.Name, null, cancellationToken), cancellationToken);
            created = false;
        }
        catch (Exception e) when (created && e is not PvcException { ErrorId: PvcErrorIds.StorageKeysUnconfirmed })
        {
            // the volume this upload made goes with it (UndoOnFailureAsync removed it already when its keys failed)
            try
            {
                await images.RemoveAsync(request.Pool, request.Name, CancellationToken.None);
                created = false;
            }
            catch (PvcException r) when (r.ErrorId == PvcErrorIds.VolumeNotFound)
            {
                created = false;
            }
            catch (Exception r)
            {
                log.LogError("Upload into {Volume} failed ({Message}) and removing the volume it made failed too ({Undo}): the node's next start removes it when it still has no keys", spec, e.Message, r.Message);
            }
            throw;
        }
        finally
        {
            converted?.Dispose();
            // the folder stays while an image this upload made may be left without keys: the next start settles it
            if (!created)
            {
                try
                {
                    folder.Delete();
                }
                catch (Exception d) when (d is IOException or UnauthorizedAccessException)
                {
                    log.LogWarning("The scratch folder {Folder} of the upload into {Volume} could not be removed ({Message}); the node's next start removes it", folder.Path, spec, d.Message);
                }
            }
        }
        var result = Result(request.Pool, request.Name);
        result["bytes"] = imageBytes;
        result["format"] = request.Format;
        return result;
    }

    /// <summary>volume.clone: a copy of the volume's data under the new name, scanned, then its keys.</summary>
    public async Task<JsonNode?> CopyVolumeAsync(JsonObject args, CancellationToken cancellationToken)
    {
        var request = VolumeRequest.FromArguments(args);
        var copy = request.NewName ?? throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTaskArguments, "volume.clone needs 'new_name'.");
        await Checks.CheckCopyVolumeAsync(request, cancellationToken);
        var images = await ceph.ImagesAsync(cancellationToken);
        await images.CopyAsync(request.Pool, request.Name, copy, cancellationToken);
        await UndoOnFailureAsync(async () => await _keys.AddVolumeAsync(request.Pool, copy, await images.ScanAsync(request.Pool, copy, null, cancellationToken), cancellationToken),
            () => images.RemoveAsync(request.Pool, copy, CancellationToken.None), $"volume {request.Pool}/{copy}");
        return Result(request.Pool, copy);
    }

    /// <summary>
    /// volume.resize: the image, then (when a running VM has it, and this task runs on its node) the guest's disk, then
    /// the scanned size in its keys.
    /// </summary>
    public async Task<JsonNode?> ResizeVolumeAsync(JsonObject args, string nodeName, CancellationToken cancellationToken)
    {
        var request = VolumeRequest.FromArguments(args);
        var user = await Checks.CheckResizeVolumeAsync(request, cancellationToken);
        var images = await ceph.ImagesAsync(cancellationToken);
        await images.ResizeAsync(request.Pool, request.Name, request.SizeBytes!.Value, allowShrink: false, cancellationToken);
        if (user is { IsRunning: true })
        {
            if (guestResize is null || user.Node != nodeName)
                log.LogWarning("Volume {Volume} grew, but VM {Vm} runs on {Node} and this node cannot resize its disk in the guest: it sees the new size after its next start",
                    request.ToString(), user.Name, user.Node);
            else
                await guestResize.ResizeAsync(user.Uuid, request.Pool, request.Name, request.SizeBytes.Value, cancellationToken);
        }
        await _keys.UpdateVolumeAsync(request.Pool, request.Name, await images.ScanAsync(request.Pool, request.Name, null, cancellationToken), cancellationToken);
        return Result(request.Pool, request.Name);
    }

    /// <summary>volume.rename: the image, then its keys and its snapshots' (renamed back when they cannot be written).</summary>
    public async Task<JsonNode?> RenameVolumeAsync(JsonObject args, CancellationToken cancellationToken)
    {
        var request = VolumeRequest.FromArguments(args);
        var newName = request.NewName ?? throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTaskArguments, "volume.rename needs 'new_name'.");
        await Checks.CheckRenameVolumeAsync(request, cancellationToken);
        var images = await ceph.ImagesAsync(cancellationToken);
        await images.RenameAsync(request.Pool, request.Name, newName, cancellationToken);
        await UndoOnFailureAsync(async () => await _keys.RenameVolumeAsync(request.Pool, request.Name, newName, await images.ScanAsync(request.Pool, newName, null, cancellationToken), cancellationToken),
            () => images.RenameAsync(request.Pool, newName, request.Name, CancellationToken.None), $"volume {request}");
        return Result(request.Pool, newName);
    }

    /// <summary>volume.remove: refused while a VM has it; its snapshots and the image (PVC: snap purge, rm), then its keys.</summary>
    public async Task<JsonNode?> RemoveVolumeAsync(JsonObject args, CancellationToken cancellationToken)
    {
        var request = VolumeRequest.FromArguments(args);
        await Checks.CheckRemoveVolumeAsync(request, cancellationToken);
        try
        {
            await (await ceph.ImagesAsync(cancellationToken)).RemoveAsync(request.Pool, request.Name, cancellationToken);
        }
        catch (PvcException e) when (e.ErrorId == PvcErrorIds.VolumeNotFound)
        {
            log.LogWarning("Volume {Volume} was not in Ceph; removing its keys", request.ToString());
        }
        await _keys.RemoveVolumeAsync(request.Pool, request.Name, cancellationToken);
        return Result(request.Pool, request.Name);
    }

    /// <summary>snapshot.add: the snapshot, then its keys with the volume's new snapshot count.</summary>
    public async Task<JsonNode?> AddSnapshotAsync(JsonObject args, CancellationToken cancellationToken)
    {
        var request = SnapshotRequest.FromArguments(args);
        await Checks.CheckAddSnapshotAsync(request, cancellationToken);
        var images = await ceph.ImagesAsync(cancellationToken);
        await images.CreateSnapshotAsync(request.Pool, request.Volume, request.Name, cancellationToken);
        await UndoOnFailureAsync(async () => await _keys.AddSnapshotAsync(request.Pool, request.Volume, request.Name,
                await images.ScanAsync(request.Pool, request.Volume, request.Name, cancellationToken), await images.ScanAsync(request.Pool, request.Volume, null, cancellationToken), cancellationToken),
            () => images.RemoveSnapshotAsync(request.Pool, request.Volume, request.Name, CancellationToken.None), $"snapshot {request}");
        return Result(request.Pool, request.Volume, request.Name);
    }

    /// <summary>snapshot.rename: the snapshot, then its keys (renamed back when they cannot be written).</summary>
    public async Task<JsonNode?> RenameSnapshotAsync(JsonObject args, CancellationToken cancellationToken)
    {
        var request = SnapshotRequest.FromArguments(args);
        var newName = request.NewName ?? throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTaskArguments, "snapshot.rename needs 'new_name'.");
        await Checks.CheckRenameSnapshotAsync(request, cancellationToken);
        var images = await ceph.ImagesAsync(cancellationToken);
        await images.RenameSnapshotAsync(request.Pool, request.Volume, request.Name, newName, cancellationToken);
        await UndoOnFailureAsync(async () => await _keys.RenameSnapshotAsync(request.Pool, request.Volume, request.Name, newName,
                await images.ScanAsync(request.Pool, request.Volume, newName, cancellationToken), cancellationToken),
            () => images.RenameSnapshotAsync(request.Pool, request.Volume, newName, request.Name, CancellationToken.None), $"snapshot {request}");
        return Result(request.Pool, request.Volume, newName);
    }

    /// <summary>snapshot.remove: the snapshot, then its keys with the volume's new snapshot count.</summary>
    public async Task<JsonNode?> RemoveSnapshotAsync(JsonObject args, CancellationToken cancellationToken)
    {
        var request = SnapshotRequest.FromArguments(args);
        await Checks.CheckRemoveSnapshotAsync(request, cancellationToken);
        var images = await ceph.ImagesAsync(cancellationToken);
        try
        {
            await images.RemoveSnapshotAsync(request.Pool, request.Volume, request.Name, cancellationToken);
        }
        catch (PvcException e) when (e.ErrorId == PvcErrorIds.SnapshotNotFound)
        {
            log.LogWarning("Snapshot {Snapshot} was not in Ceph; removing its keys", request.ToString());
        }
        await _keys.RemoveSnapshotAsync(request.Pool, request.Volume, request.Name, await images.ScanAsync(request.Pool, request.Volume, null, cancellationToken), cancellationToken);
        return Result(request.Pool, request.Volume, request.Name);
    }

    /// <summary>snapshot.rollback: refused while a running VM has the volume; the volume's data back to the snapshot, then its scanned keys.</summary>
    public async Task<JsonNode?> RollbackSnapshotAsync(JsonObject args, CancellationToken cancellationToken)
    {
        var request = SnapshotRequest.FromArguments(args);
        await Checks.CheckRollbackSnapshotAsync(request, cancellationToken);
        var images = await ceph.ImagesAsync(cancellationToken);
        await images.RollbackSnapshotAsync(request.Pool, request.Volume, request.Name, cancellationToken);
        await _keys.UpdateVolumeAsync(request.Pool, request.Volume, await images.ScanAsync(request.Pool, request.Volume, null, cancellationToken), cancellationToken);
        return Result(request.Pool, request.Volume, request.Name);
    }

    private async Task UndoOnFailureAsync(Func<Task> write, Func<Task> undo, string what)
    {
        try
        {
            await write();
        }
        catch (PvcException e) when (e.ErrorId == PvcErrorIds.StorageKeysUnconfirmed)
        {
            // the keys may have been written (ZooKeeper's answer was lost): undoing Ceph's change could leave keys with
            // nothing behind them, so it is kept and the task says so (rev14 P2-4)
            log.LogError("The keys of {What} may not have been written ({Message}); its change in Ceph is kept", what, e.Message);
            throw;
        }
        catch (Exception e)
        {
            // nothing half made is left behind: Ceph's change goes when its keys were definitely not written (a lost
            // answer was read back first: StorageTransaction)
            try
            {
                await undo();
            }
            catch (Exception u)
            {
                log.LogError("The keys of {What} could not be written ({Message}), and undoing it in Ceph failed too ({Undo}): remove it by hand", what, e.Message, u.Message);
            }
            throw;
        }
    }

    private static JsonObject Result(string pool, string? volume = null, string? snapshot = null)
    {
        var result = new JsonObject { ["pool"] = pool };
        if (volume is not null)
            result["volume"] = volume;
        if (snapshot is not null)
            result["snapshot"] = snapshot;
        return result;
    }
}
