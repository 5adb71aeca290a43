namespace Pvc.NodeService.Networks;

/// <summary>Where the primary's network services keep their files, what the DHCP lease hook is, the floating addresses, the DNS aggregator's database, the metadata API's address, and (in tests) the namespace they run in.</summary>
/// <param name="RunDirectory">The node's run directory: hosts files go to dnsmasq/&lt;vni&gt;/ below it, as PVC's /run/pvc/dnsmasq.</param>
/// <param name="LeaseHook">The executable dnsmasq runs for each lease: this node service's own binary.</param>
/// <param name="ConfigFile">The node's pvc.conf, for the hook to find the cluster.</param>
/// <param name="Netns">A network namespace to run dnsmasq in (the tests' lab nodes), or null.</param>
internal sealed record PrimaryDhcpOptions(string RunDirectory, string LeaseHook, string ConfigFile, string? Netns = null)
{
    /// <summary>The cluster's floating addresses the primary holds (pvc.conf), in PVC's takeover order.</summary>
    public IReadOnlyList<Configuration.FloatingAddress> FloatingAddresses { get; init; } = [];

    /// <summary>The DNS aggregator's database (pvc.conf's <c>database.postgres</c>); null runs no aggregator.</summary>
    public Configuration.DnsDatabaseSettings? DnsDatabase { get; init; }

    /// <summary>How long the DNS aggregator waits between two rounds of zone transfers from the networks' dnsmasqs.</summary>
    public TimeSpan DnsTransferInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The metadata API's address, which the primary holds on <c>lo</c> (PVC's 169.254.169.254); null serves no metadata API.</summary>
    public System.Net.IPAddress? MetadataAddress { get; init; } = System.Net.IPAddress.Parse("169.254.169.254");

    /// <summary>The metadata API's port (PVC's 80).</summary>
    public int MetadataPort { get; init; } = 80;

    /// <summary>
    /// For tests: called with each relinquish step's name before the step; a throw stands for that step failing, the step
    /// not done (the steps after it must run all the same, and what it did not remove is removed by a later relinquish).
    /// Null in the service.
    /// </summary>
    public Func<string, Task>? RelinquishFault { get; init; }

    /// <summary>
    /// This node's built networks (<see cref="NetworkInstances.Built"/>): a network's gateway and dnsmasq come up only once
    /// its instance is built here, bridge and port up and the port attached, and the services are woken when it is. The
    /// node service always gives it; null (tests of the primary alone, on bridges made by hand) waits for nothing.
    /// </summary>
    public BuiltNetworks? Built { get; init; }

    /// <summary>The addresses PowerDNS listens on, as PVC's: the cluster's and the upstream network's floating addresses.</summary>
    public IReadOnlyList<System.Net.IPAddress> DnsAddresses =>
        [.. FloatingAddresses.Where(f => f.Network is "cluster" or "upstream").OrderBy(f => f.Network == "cluster" ? 0 : 1).Select(f => f.Address)];
}
