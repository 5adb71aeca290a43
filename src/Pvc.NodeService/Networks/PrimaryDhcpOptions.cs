namespace Pvc.NodeService.Networks;

/// <summary>Where the primary's DHCP keeps its files, what its lease hook is, and (in tests) the namespace it runs in.</summary>
/// <param name="RunDirectory">The node's run directory: hosts files go to dnsmasq/&lt;vni&gt;/ below it, as PVC's /run/pvc/dnsmasq.</param>
/// <param name="LeaseHook">The executable dnsmasq runs for each lease: this node service's own binary.</param>
/// <param name="ConfigFile">The node's pvc.conf, for the hook to find the cluster.</param>
/// <param name="Netns">A network namespace to run dnsmasq in (the tests' lab nodes), or null.</param>
internal sealed record PrimaryDhcpOptions(string RunDirectory, string LeaseHook, string ConfigFile, string? Netns = null);
