using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pvc.Core.Tasks;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Tasks;

namespace Pvc.NodeService.Ceph.Osds;

/// <summary>
/// One OSD task kind as a cluster task handler over this node's <see cref="CephAccess"/>, its OSD tools and daemons.
/// <see cref="Register"/> lists them, one line each.
/// </summary>
public sealed class OsdTaskHandler(string kind, bool safeToRepeat, CephAccess ceph, IOsdDaemons daemons, OsdToolOptions options,
    Func<OsdWork, ClusterTaskContext, CancellationToken, Task<JsonNode?>> work) : IClusterTaskHandler
{
    /// <inheritdoc />
    public string Kind => kind;

    /// <inheritdoc />
    public bool SafeToRepeat => safeToRepeat;

    /// <inheritdoc />
    public async Task<JsonNode?> RunAsync(ClusterTaskContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cluster = await ceph.ConnectAsync(ct);
        return await work(new OsdWork(context.Cluster, cluster, daemons, options, context.NodeName), context, ct);
    }

    /// <summary>The OSD tools' options of pvc.conf's ceph section (PVC's clusters are named "ceph").</summary>
    public static OsdToolOptions OptionsOf(NodeConfig config) =>
        new() { ConfigPath = config?.Ceph?.ConfigFile ?? new OsdToolOptions().ConfigPath };

    /// <summary>
    /// Registers the OSD handlers (and systemd's OSD units unless another <see cref="IOsdDaemons"/> is registered). An
    /// add, replace, removal or DB volume group is not safe to repeat after an interruption (a disk half formatted needs a person); in, out and
    /// the flags are.
    /// </summary>
    public static void Register(IServiceCollection services)
    {
        services.TryAddSingleton<CephAccess>();
        services.TryAddSingleton<IOsdDaemons>(_ => new SystemdOsdDaemons());
        Add(services, ClusterTaskKinds.OsdAdd, false, (w, c, t) => w.AddAsync(c.Arguments, (i, n, s) => c.ReportAsync(i, n, s, t), t));
        Add(services, ClusterTaskKinds.OsdReplace, false, (w, c, t) => w.ReplaceAsync(c.Arguments, (i, n, s) => c.ReportAsync(i, n, s, t), t));
        Add(services, ClusterTaskKinds.OsdAddDbVg, false, (w, c, t) => w.AddDbVolumeGroupAsync(c.Arguments, (i, n, s) => c.ReportAsync(i, n, s, t), t));
        Add(services, ClusterTaskKinds.OsdRemove, false, (w, c, t) => w.RemoveAsync(c.Arguments, (i, n, s) => c.ReportAsync(i, n, s, t), t));
        Add(services, ClusterTaskKinds.OsdIn, true, (w, c, t) => w.SetInAsync(c.Arguments, true, t));
        Add(services, ClusterTaskKinds.OsdOut, true, (w, c, t) => w.SetInAsync(c.Arguments, false, t));
        Add(services, ClusterTaskKinds.OsdSet, true, (w, c, t) => w.SetFlagAsync(c.Arguments, true, t));
        Add(services, ClusterTaskKinds.OsdUnset, true, (w, c, t) => w.SetFlagAsync(c.Arguments, false, t));
    }

    private static void Add(IServiceCollection services, string kind, bool safeToRepeat, Func<OsdWork, ClusterTaskContext, CancellationToken, Task<JsonNode?>> work) =>
        services.AddSingleton<IClusterTaskHandler>(sp => new OsdTaskHandler(kind, safeToRepeat, sp.GetRequiredService<CephAccess>(),
            sp.GetRequiredService<IOsdDaemons>(), OptionsOf(sp.GetRequiredService<NodeConfig>()), work));
}
