using System.Globalization;
using Pvc.NodeService.Tests.Cluster;
using Pvc.Testing.Lab;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Lab;

/// <summary>
/// Two real hypervisor hosts, hv1 and hv2 (libvirtd + QEMU under TCG, each in its own network and mount namespace,
/// joined by a veth pair), a private ZooKeeper, and one real pvcnoded per host. Shared by the tests of the QEMU lab
/// collection; each test uses its own VMs. A machine that cannot run it fails every test of the collection with
/// the reason (<see cref="LabMachine.EnsureCanRunQemuHosts"/>).
/// </summary>
public sealed class QemuLabFixture : IAsyncLifetime
{
    private readonly ZooKeeperFixture _zk = new();
    private readonly List<QemuLabHost> _hosts = [];
    private LabNetwork? _network;
    private NodeServiceCluster? _cluster;
    private string? _dir;

    /// <summary>The node services and the cluster connection.</summary>
    internal NodeServiceCluster Cluster => _cluster ?? throw new InvalidOperationException("The QEMU lab has not started.");

    /// <summary>The hosts, hv1 then hv2.</summary>
    public IReadOnlyList<QemuLabHost> Hosts => _hosts;

    /// <summary>The tick guest's kernel image, readable by both hosts.</summary>
    public string GuestImage => Path.Combine(_dir ?? throw new InvalidOperationException("The QEMU lab has not started."), "tick.bin");

    /// <summary>How long the lab took to start (hosts, ZooKeeper, node services ready).</summary>
    public TimeSpan StartTime { get; private set; }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        LabMachine.EnsureCanRunQemuHosts();
        LabMachine.SweepLeftovers();
        try
        {
            var zookeeper = _zk.InitializeAsync();
            _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(),
                string.Create(CultureInfo.InvariantCulture, $"{LabMachine.DirectoryPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}"))).FullName;
            TickGuest.WriteImage(GuestImage);
            _network = LabNetwork.Create();
            var names = new[] { "hv1", "hv2" };
            var addresses = names.Zip(_network.Addresses).ToDictionary(p => p.First, p => p.Second);
            // one after the other: the second host starts warm from the first one's QEMU probe
            for (var i = 0; i < names.Length; i++)
            {
                var hostDir = Directory.CreateDirectory(Path.Combine(_dir, names[i])).FullName;
                _hosts.Add(await QemuLabHost.StartAsync(hostDir, names[i], _network.Namespaces[i], _network.Addresses[i], addresses, i + 1));
            }
            await zookeeper;
            _cluster = await NodeServiceCluster.StartAsync(_zk, count: 2,
                writeConfig: (dir, name, all, zk) => QemuLabNode.Write(dir, name, all, zk, _hosts.Single(h => h.Name == name)));
            await _cluster.WaitReadyAsync();
            // the tick guest's kernel is a host file: its directory allowed as an administrator would (Set-PvcCluster -AllowDomainXmlPath)
            await Pvc.Core.Cluster.ClusterSettings.ChangeAsync(_cluster.Connection, new Pvc.Core.Cluster.ClusterSettingsChange { AllowedDomainXmlPaths = [Pvc.Core.Vms.HostDirectory.Parse(_dir)] });
            StartTime = started.Elapsed;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Each host's libvirtd log and each node service's log, for a failure message.</summary>
    public string Logs() => (_cluster?.Logs() ?? "") + string.Concat(_hosts.Select(h => $"\n--- libvirtd {h.Name}\n{h.Log()}"));

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        // node services first (they would restart what the hosts' stop kills), then the hosts, the link, ZooKeeper
        if (_cluster is not null)
            await _cluster.DisposeAsync();
        foreach (var host in _hosts)
            await host.DisposeAsync();
        _network?.Dispose();
        await _zk.DisposeAsync();
        if (_dir is not null)
        {
            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
