using System.Globalization;
using System.Runtime.InteropServices;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Libvirt;

namespace Pvc.NodeService.Daemon;

/// <summary>What this node tells the cluster about itself when it registers (Core's <see cref="NodeHostOperations.RegisterAsync"/> writes it).</summary>
internal static class NodeIdentity
{
    public const string Version = "1.0.3-pvc";

    /// <summary>The registration of this node: its mode, static data and BMC, from the configuration and the hypervisor.</summary>
    public static NodeRegistration Of(NodeConfig config, Hypervisor hypervisor)
    {
        var host = hypervisor.HostInfo();
        var arch = RuntimeInformation.OSArchitecture == Architecture.X64 ? "x86_64" : RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        return new NodeRegistration(config.IsCoordinator ? NodeMode.Coordinator : NodeMode.Hypervisor,
            [host.Cpus.ToString(CultureInfo.InvariantCulture), Environment.OSVersion.Version.ToString(), "GNU/Linux", arch], Version,
            config.IpmiHostname, config.IpmiUsername, config.IpmiPassword);
    }
}
