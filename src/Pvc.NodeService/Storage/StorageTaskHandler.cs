using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pvc.Core.Tasks;
using Pvc.NodeService.Ceph;
using Pvc.NodeService.Tasks;

namespace Pvc.NodeService.Storage;

/// <summary>
/// One storage task kind (pool.add, volume.resize, ...) as a cluster task handler: the task's work is one of
/// <see cref="StorageWork"/>'s, over this node's <see cref="CephAccess"/> (which connects on first use, so a node
/// whose Ceph came up after it still does storage work). <see cref="Register"/> lists them, one line each.
/// </summary>
public sealed class StorageTaskHandler(string kind, bool safeToRepeat, CephAccess ceph, IGuestVolumeResize? guestResize,
    Func<StorageWork, ClusterTaskContext, CancellationToken, Task<JsonNode?>> work, UploadScratch? uploads = null) : IClusterTaskHandler
{
    /// <inheritdoc />
    public string Kind => kind;

    /// <inheritdoc />
    public bool SafeToRepeat => safeToRepeat;

    /// <inheritdoc />
    public async Task<JsonNode?> RunAsync(ClusterTaskContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        await context.ReportAsync(0, 1, $"{kind} on {context.NodeName}", ct);
        var result = await work(new StorageWork(context.Cluster, ceph, context.Logger, guestResize, uploads), context, ct);
        await context.ReportAsync(1, 1, "done", ct);
        return result;
    }

    /// <summary>volume.upload: the scratch folders (and the volumes without keys) of uploads a kill stopped (<see cref="UploadScratch.SweepAsync"/>).</summary>
    public async Task SweepAsync(Core.Connection.ClusterConnection cluster, ILogger log, CancellationToken ct)
    {
        if (kind == ClusterTaskKinds.VolumeUpload && uploads is not null)
            await uploads.SweepAsync(cluster, ceph, log, ct);
    }

    /// <summary>
    /// Registers the node's Ceph access and every storage task handler. Creates, removals and renames are not safe to
    /// repeat after an interruption (a person checks what was made); a resize or a PG count is.
    /// </summary>
    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<CephAccess>();
        // the upload scratch directory of pvc.conf (node.upload_directory)
        services.AddSingleton(sp => new UploadScratch(sp.GetRequiredService<Configuration.NodeConfig>().UploadDirectory));
        Add(services, ClusterTaskKinds.PoolAdd, false, (w, c, t) => w.AddPoolAsync(c.Arguments, t));
        Add(services, ClusterTaskKinds.PoolRemove, false, (w, c, t) => w.RemovePoolAsync(c.Arguments, t));
        Add(services, ClusterTaskKinds.PoolSetPgs, true, (w, c, t) => w.SetPoolPgsAsync(c.Arguments, t));
        Add(services, ClusterTaskKinds.VolumeAdd, false, (w, c, t) => w.AddVolumeAsync(c.Arguments, t));
        services.AddSingleton<IClusterTaskHandler>(sp => new StorageTaskHandler(ClusterTaskKinds.VolumeUpload, false, sp.GetRequiredService<CephAccess>(), null,
            (w, c, t) => w.ImportVolumeAsync(c, t), sp.GetRequiredService<UploadScratch>()));
        Add(services, ClusterTaskKinds.VolumeRemove, false, (w, c, t) => w.RemoveVolumeAsync(c.Arguments, t));
        Add(services, ClusterTaskKinds.VolumeResize, true, (w, c, t) => w.ResizeVolumeAsync(c.Arguments, c.NodeName, t));
        Add(services, ClusterTaskKinds.VolumeRename, false, (w, c, t) => w.RenameVolumeAsync(c.Arguments, t));
        Add(services, ClusterTaskKinds.VolumeClone, false, (w, c, t) => w.CopyVolumeAsync(c.Arguments, t));
        Add(services, ClusterTaskKinds.SnapshotAdd, false, (w, c, t) => w.AddSnapshotAsync(c.Arguments, t));
        Add(services, ClusterTaskKinds.SnapshotRename, false, (w, c, t) => w.RenameSnapshotAsync(c.Arguments, t));
        Add(services, ClusterTaskKinds.SnapshotRemove, false, (w, c, t) => w.RemoveSnapshotAsync(c.Arguments, t));
        Add(services, ClusterTaskKinds.SnapshotRollback, false, (w, c, t) => w.RollbackSnapshotAsync(c.Arguments, t));
    }

    private static void Add(IServiceCollection services, string kind, bool safeToRepeat, Func<StorageWork, ClusterTaskContext, CancellationToken, Task<JsonNode?>> work) =>
        services.AddSingleton<IClusterTaskHandler>(sp => new StorageTaskHandler(kind, safeToRepeat, sp.GetRequiredService<CephAccess>(), sp.GetService<IGuestVolumeResize>(), work));
}
