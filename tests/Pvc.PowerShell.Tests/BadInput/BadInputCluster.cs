using System.Management.Automation;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.PowerShell.Tests.BadInput;

/// <summary>
/// One seeded cluster and session for every bad-input test: a refused input leaves the cluster as it was, so the
/// tests can share it (each checks the whole tree before and after). Besides <see cref="SeededCluster"/>'s VMs it
/// has a mirror (mirror1), a VM with a node limit and a protected tag (limited1), two VMs whose stored XML is
/// broken (noname1 without a name element, garbled1 not well formed), and a VM (wait1 stopped, wait2 running) and a
/// node (hv4) of their own for the wait tests: were a bad wait to write its change anyway, no other test would see it.
/// </summary>
public sealed class BadInputCluster : IAsyncLifetime
{
    private readonly ZooKeeperFixture _zk = new();
    private SeededCluster? _cluster;

    internal SeededCluster Cluster => _cluster ?? throw new InvalidOperationException("The bad-input cluster has not started.");

    /// <summary>The ZooKeeper server's address (host:port), for connection-string tests.</summary>
    public string Endpoint => _zk.Server.Endpoint;

    /// <summary>The cluster's connection string (with its chroot).</summary>
    public string Chroot => Cluster.Chroot;

    /// <summary>UUIDs of the VMs by name.</summary>
    public IReadOnlyDictionary<string, Guid> Vms => Cluster.Vms;

    public async Task InitializeAsync()
    {
        await _zk.InitializeAsync();
        _cluster = await SeededCluster.StartAsync(_zk);
        var raw = _cluster.Raw;
        _cluster.Vms["mirror1"] = await PvcSeed.AddVmAsync(raw, "mirror1", "hv2", state: "mirror");
        _cluster.Vms["limited1"] = await PvcSeed.AddVmAsync(raw, "limited1", "hv1", nodeLimit: "hv1,hv2", tags: [("keep", true)]);
        var noName = Guid.NewGuid();
        _cluster.Vms["noname1"] = await PvcSeed.AddVmAsync(raw, "noname1", "hv3", state: "stop", uuid: noName,
            xml: $"<domain type=\"kvm\"><uuid>{noName}</uuid><memory unit=\"MiB\">512</memory><vcpu>1</vcpu></domain>");
        _cluster.Vms["wait1"] = await PvcSeed.AddVmAsync(raw, "wait1", "hv3", state: "stop");
        _cluster.Vms["wait2"] = await PvcSeed.AddVmAsync(raw, "wait2", "hv3");
        await PvcSeed.AddNodeAsync(raw, "hv4", memFree: 1000);
        var garbled = Guid.NewGuid();
        _cluster.Vms["garbled1"] = await PvcSeed.AddVmAsync(raw, "garbled1", "hv3", state: "stop", uuid: garbled,
            xml: $"<domain type=\"kvm\"><name>garbled1</name><uuid>{garbled}</uuid>");
    }

    /// <summary>
    /// Runs a script that must be refused: exactly one error, with this fully qualified ErrorId and category, no
    /// output, and every znode of the cluster (data and version) as it was before.
    /// </summary>
    public async Task<ErrorRecord> RefusedAsync(string script, string fullyQualifiedErrorId, ErrorCategory category, params object[] args)
    {
        var before = await PvcSeed.DumpAsync(Cluster.Raw);
        var result = Cluster.Ps.Run(script, args);
        var after = await PvcSeed.DumpAsync(Cluster.Raw);
        var error = Assert.Single(result.Errors);
        Assert.Equal((fullyQualifiedErrorId, category), (error.FullyQualifiedErrorId, error.CategoryInfo.Category));
        Assert.Empty(result.Output);
        Assert.Equal(before, after);
        return error;
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
            await _cluster.DisposeAsync();
        await _zk.DisposeAsync();
    }
}
