using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Pvc.Core.Connection;
using Pvc.Core.Errors;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
using Pvc.NodeService.Ceph;

namespace Pvc.NodeService.Storage;

/// <summary>
/// The node's upload scratch directory (pvc.conf's <c>node.upload_directory</c>, default /var/lib/pvc/upload: on disk,
/// never /tmp, which is a tmpfs on many nodes): one folder a volume.upload task, named by the task's id, mode 0700 like
/// the directory itself, so nobody else can put a file or a link there. It holds the raw bytes qemu-img converts an
/// image into, and <see cref="UploadFolder.RecordFile"/>: the volume an upload is about to make in Ceph (written before
/// the image is created) and, once made, the image's id. The folder goes when the upload ends with nothing of its own
/// left in Ceph without keys; <see cref="SweepAsync"/> settles what a killed service left.
/// </summary>
public sealed class UploadScratch(string directory)
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// How long the sweep waits for an orphan's image to be closed: the killed service had it open, and Ceph drops that
    /// client's watch only after the OSDs' watch timeout (osd_client_watch_timeout, 30 s by default).
    /// </summary>
    public TimeSpan BusyWait { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>The scratch directory.</summary>
    public string Directory { get; } = directory;

    /// <summary>Makes the folder of upload task <paramref name="taskId"/> (and the directory), both mode 0700.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidTaskArguments" (no task id); ResourceUnavailable: "UploadScratchUnavailable".</exception>
    public UploadFolder Create(string taskId)
    {
        if (!ClusterTaskId.IsValid(taskId))
            throw new PvcException(PvcErrorKind.InvalidArgument, PvcErrorIds.InvalidTaskArguments, $"'{taskId}' is no task id.") { Target = taskId };
        try
        {
            PrivateDirectory(Directory);
            var folder = Path.Combine(Directory, taskId);
            if (System.IO.Directory.Exists(folder))
                System.IO.Directory.Delete(folder, recursive: true); // an earlier attempt's, settled by the sweep
            PrivateDirectory(folder);
            return new UploadFolder(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PvcException(PvcErrorKind.ResourceUnavailable, PvcErrorIds.UploadScratchUnavailable,
                $"The upload scratch directory {Directory} (pvc.conf node.upload_directory) cannot be used on this node: {e.Message}", e) { Target = Directory };
        }
    }

    private static void PrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(path);
            return;
        }
        System.IO.Directory.CreateDirectory(path, Private);
        // one that was there already (made by hand, or by an older service) is made private too
        if (File.GetUnixFileMode(path) != Private)
            File.SetUnixFileMode(path, Private);
    }

    /// <summary>
    /// At the task runner's start, before it claims any task (the tasks an earlier run left Running already failed):
    /// each task folder whose upload no longer runs goes, after the image it recorded making is removed from Ceph
    /// when it is provably an orphan (waiting out the killed service's watch on it: <see cref="BusyWait"/>): the image of
    /// that name has the very id recorded when the upload made it, and
    /// the volume has no keys. An image with keys, another id (made by someone else since), or of an upload killed
    /// between its creation and the record of its id is kept (and logged): never a volume it cannot prove is one.
    /// A folder whose image could not be checked or removed (Ceph not answering) stays for the next start.
    /// </summary>
    /// <returns>The volumes removed, as pool/name.</returns>
    public async Task<IReadOnlyList<string>> SweepAsync(ClusterConnection cluster, CephAccess ceph, ILogger log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(ceph);
        ArgumentNullException.ThrowIfNull(log);
        var removed = new List<string>();
        if (!System.IO.Directory.Exists(Directory))
            return removed;
        foreach (var folder in System.IO.Directory.EnumerateDirectories(Directory))
        {
            var id = Path.GetFileName(folder);
            if (!ClusterTaskId.IsValid(id))
                continue;
            ClusterTask? task = null;
            try
            {
                task = await cluster.Tasks.GetAsync(id, cancellationToken);
            }
            catch (PvcException e) when (e.ErrorId == PvcErrorIds.TaskNotFound)
            {
                // pruned: long finished
            }
            if (task is { IsFinished: false })
            {
                // not settled (recovery could not write it): decided at a later start
                log.LogWarning("Upload task {Id} is still {State}: its scratch folder {Folder} is kept", id, task.State, folder);
                continue;
            }
            try
            {
                if (await SettleAsync(new UploadFolder(folder), cluster, ceph, log, cancellationToken) is { } volume)
                    removed.Add(volume);
                System.IO.Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is not OperationCanceledException && (PvcException.From(e) is not null || e is IOException or UnauthorizedAccessException or JsonException))
            {
                log.LogWarning("The scratch folder {Folder} of upload task {Id} could not be settled ({Message}); it is kept for the next start", folder, id, e.Message);
            }
        }
        return removed;
    }

    /// <summary>Removes the image the folder recorded making when it is provably an orphan; returns it, or null.</summary>
    private async Task<string?> SettleAsync(UploadFolder folder, ClusterConnection cluster, CephAccess ceph, ILogger log, CancellationToken cancellationToken)
    {
        if (folder.ReadRecord() is not { } record)
            return null;
        var spec = $"{record.Pool}/{record.Volume}";
        if (record.ImageId is null)
        {
            log.LogWarning("An upload into {Volume} was stopped while it created the volume: whether it made it is not known, so it is not removed. Check the volume in Ceph (rbd info) and remove it by hand when it has no keys", spec);
            return null;
        }
        try
        {
            await cluster.Volumes.GetAsync(record.Pool, record.Volume, cancellationToken);
            log.LogInformation("Volume {Volume}, made by an upload that was stopped, has keys: it is kept", spec);
            return null;
        }
        catch (PvcException e) when (e.ErrorId is PvcErrorIds.VolumeNotFound or PvcErrorIds.PoolNotFound)
        {
        }
        var images = await ceph.ImagesAsync(cancellationToken);
        RbdVolumeInfo info;
        try
        {
            info = await images.GetInfoAsync(record.Pool, record.Volume, cancellationToken);
        }
        catch (PvcException e) when (e.ErrorId is PvcErrorIds.VolumeNotFound or PvcErrorIds.PoolNotFound)
        {
            return null;
        }
        if (info.Id != record.ImageId)
        {
            log.LogWarning("Volume {Volume} is not the image an upload made (id {Id}, the upload's {Recorded}): it is kept", spec, info.Id, record.ImageId);
            return null;
        }
        var until = DateTime.UtcNow + BusyWait;
        while (true)
        {
            try
            {
                await images.RemoveAsync(record.Pool, record.Volume, cancellationToken);
                break;
            }
            catch (PvcException e) when (e.ErrorId == PvcErrorIds.CephResourceBusy && DateTime.UtcNow < until)
            {
                // the killed service's own open of the image: its watch lapses after the OSDs' watch timeout (30 s by default)
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
        log.LogWarning("Removed volume {Volume}: an upload made it and was stopped before its keys were written", spec);
        return spec;
    }
}
