using System.Runtime.InteropServices;
using System.Text;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Libvirt;
using Pvc.ZooKeeper;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// Puts this node into the cluster at start (PVC's setup_node): every node key exists (missing ones created; a new
/// node starts flushed), and the static keys are written, all in one transaction; the daemon state is "init".
/// </summary>
internal static class NodeRegistration
{
    public const string Version = "1.0.3-pvc";

    /// <summary>Registers the node; returns the daemon state it had before (null for a new node).</summary>
    public static async Task<string?> RegisterAsync(ZooKeeperClient zk, NodeConfig config, Hypervisor hypervisor, CancellationToken cancellationToken)
    {
        var host = hypervisor.HostInfo();
        var name = config.NodeName;
        var mode = config.IsCoordinator ? "coordinator" : "hypervisor";
        var values = new Dictionary<string, string>
        {
            [NodeKeys.Root] = mode,
            [NodeKeys.Mode] = mode,
            [NodeKeys.ActiveSchema] = SchemaVersion.Current.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [NodeKeys.LatestSchema] = SchemaVersion.Current.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [NodeKeys.StaticData] = PvcList.EncodeSpace([host.Cpus.ToString(System.Globalization.CultureInfo.InvariantCulture), Environment.OSVersion.Version.ToString(), "GNU/Linux", RuntimeInformation.OSArchitecture == Architecture.X64 ? "x86_64" : RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()]),
            [NodeKeys.PvcVersion] = Version,
            [NodeKeys.DaemonState] = "init",
            [NodeKeys.RouterState] = config.IsCoordinator ? "secondary" : "client",
            [NodeKeys.IpmiHostname] = config.IpmiHostname ?? "",
            [NodeKeys.IpmiUsername] = config.IpmiUsername ?? "",
            [NodeKeys.IpmiPassword] = config.IpmiPassword ?? "",
        };
        // keys that only a new node gets (an existing node keeps its domain state and counters)
        var fresh = new Dictionary<string, string>
        {
            [NodeKeys.DomainState] = "flushed",
            [NodeKeys.NetworkCount] = "0",
            [NodeKeys.MonitoringHealth] = "None",
        };
        // which keys exist: one round trip for all of them
        var batch = new ZnodeBatch(zk);
        foreach (var key in NodeKeys.Schema.SubPaths)
            batch.Data(NodeKeys.Path(name, key));
        await batch.ReadAsync(cancellationToken);
        var existing = NodeKeys.Schema.SubPaths.Where(key => batch.StatOf(NodeKeys.Path(name, key)) is not null).ToHashSet(StringComparer.Ordinal);
        var ops = new List<Op>();
        foreach (var key in NodeKeys.Schema.SubPaths)
        {
            var path = NodeKeys.Path(name, key);
            var value = values.GetValueOrDefault(key) ?? (existing.Contains(key) ? null : fresh.GetValueOrDefault(key, ""));
            if (value is null)
                continue;
            ops.Add(existing.Contains(key) ? Op.SetData(path, Encoding.UTF8.GetBytes(value)) : Op.Create(path, Encoding.UTF8.GetBytes(value)));
        }
        await zk.MultiAsync(ops, cancellationToken);
        return batch.Text(NodeKeys.Path(name, NodeKeys.DaemonState));
    }
}
