using System.Globalization;
using Pvc.Core.Storage;
using Pvc.Core.Tasks;
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
public class QemuLabFixture : IAsyncLifetime
{
    private readonly bool _withCeph;
    private readonly ZooKeeperFixture _zk = new();
    private Pvc.Testing.Ceph.CephLab? _ceph;
    private Task<Pvc.Testing.Ceph.CephLab>? _cephStart;
    private readonly List<QemuLabHost> _hosts = [];
    private readonly List<SimulatedBmc> _bmcs = [];
    private LabNetwork? _network;
    private NodeServiceCluster? _cluster;
    private string? _dir;

    /// <summary>The plain lab: no Ceph.</summary>
    public QemuLabFixture()
        : this(withCeph: false)
    {
    }

    /// <summary>The lab, with the Ceph lab joined to it when <paramref name="withCeph"/> (<see cref="QemuCephLabFixture"/>).</summary>
    protected QemuLabFixture(bool withCeph) => _withCeph = withCeph;

    /// <summary>With Ceph: the cluster, its daemons bound to the lab uplink's address.</summary>
    public Pvc.Testing.Ceph.CephLab Ceph => _ceph ?? throw new InvalidOperationException("This QEMU lab has no Ceph.");

    /// <summary>With Ceph: the libvirt secret (pvc.conf's ceph.secret_uuid) each node defines from its keyring, for RBD disks.</summary>
    public Guid CephSecret { get; } = Guid.NewGuid();

    /// <summary>With Ceph: the pool made through Pvc (one copy) for the tests' volumes.</summary>
    public string Pool { get; private set; } = "";

    /// <summary>The node services and the cluster connection.</summary>
    internal NodeServiceCluster Cluster => _cluster ?? throw new InvalidOperationException("The QEMU lab has not started.");

    /// <summary>The hosts, hv1 then hv2.</summary>
    public IReadOnlyList<QemuLabHost> Hosts => _hosts;

    /// <summary>
    /// With Ceph: each host's BMC (ipmi_sim, hv1's then hv2's), in its node's pvc.conf: its power-off kills the host, its
    /// node service, its libvirtd and the QEMUs of its guests, so a fenced host's guests really stop (fencing as PVC's
    /// defaults, dead after <see cref="FenceIntervals"/> silent keepalives, and 3 saving throws).
    /// </summary>
    public IReadOnlyList<SimulatedBmc> Bmcs => _bmcs;

    /// <summary>With Ceph: keepalive intervals (1 s) without a keepalive before a node is dead.</summary>
    public const int FenceIntervals = 6;

    /// <summary>The tick guest's kernel image, readable by both hosts.</summary>
    public string GuestImage => Path.Combine(_dir ?? throw new InvalidOperationException("The QEMU lab has not started."), "tick.bin");

    /// <summary>How long the lab took to start (hosts, ZooKeeper, node services ready; with Ceph, Ceph and its pool too).</summary>
    public TimeSpan StartTime { get; private set; }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        LabMachine.EnsureCanRunQemuHosts();
        if (_withCeph && !File.Exists("/usr/lib/x86_64-linux-gnu/qemu/block-rbd.so"))
            throw new InvalidOperationException("This machine cannot run the QEMU lab with Ceph: QEMU's rbd block driver is missing (Debian package qemu-block-extra; ./build.sh deps installs it).");
        LabMachine.SweepLeftovers();
        try
        {
            var zookeeper = _zk.InitializeAsync();
            _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(),
                string.Create(CultureInfo.InvariantCulture, $"{LabMachine.DirectoryPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}"))).FullName;
            TickGuest.WriteImage(GuestImage);
            _network = LabNetwork.Create();
            // with Ceph: its monitor and OSDs on the machine's end of an uplink into both hosts' namespaces, where
            // QEMU's librbd reaches them; started while the hosts start
            _cephStart = _withCeph ? Pvc.Testing.Ceph.CephLab.StartAsync(new Pvc.Testing.Ceph.CephLabOptions { Address = _network.AddUplink() }) : null;
            var names = new[] { "hv1", "hv2" };
            var addresses = names.Zip(_network.Addresses).ToDictionary(p => p.First, p => p.Second);
            // one after the other: the second host starts warm from the first one's QEMU probe
            for (var i = 0; i < names.Length; i++)
            {
                var hostDir = Directory.CreateDirectory(Path.Combine(_dir, names[i])).FullName;
                _hosts.Add(await QemuLabHost.StartAsync(hostDir, names[i], _network.Namespaces[i], _network.Addresses[i], addresses, i + 1));
            }
            await zookeeper;
            if (_cephStart is not null)
                _ceph = await _cephStart;
            // each node reaches Ceph as a PVC node does (ceph.conf and the admin keyring under path.ceph_directory) and
            // gives its libvirt the key as the secret its VMs' RBD disks name
            var cephConfig = _ceph is null ? "" : $"""
                path:
                  ceph_directory: "{_ceph.Directory}"
                ceph:
                  ceph_config_file: {Path.GetFileName(_ceph.ConfigPath)}
                  ceph_keyring_file: {Path.GetFileName(_ceph.AdminKeyringPath)}
                  secret_uuid: {CephSecret}
                """;
            if (_ceph is not null)
            {
                foreach (var host in _hosts)
                    _bmcs.Add(await SimulatedBmc.StartAsync(Path.Combine(_dir, $"{host.Name}-bmc"), host.Name));
            }
            _cluster = await NodeServiceCluster.StartAsync(_zk, count: 2,
                writeConfig: (dir, name, all, zk) => QemuLabNode.Write(dir, name, all, zk, _hosts.Single(h => h.Name == name), extraConfig: cephConfig + FencingConfig(name)));
            for (var i = 0; i < _bmcs.Count; i++)
                WireBmc(i);
            await _cluster.WaitReadyAsync();
            if (_ceph is not null)
                await PrepareStorageAsync(_cluster);
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

    /// <summary>The <c>fencing</c> section of <paramref name="node"/>'s pvc.conf: its BMC, when the lab has them.</summary>
    private string FencingConfig(string node)
    {
        if (_bmcs.Count == 0)
            return "";
        var bmc = _bmcs[_hosts.FindIndex(h => h.Name == node)];
        return $"""

            fencing:
              intervals:
                fence_intervals: {FenceIntervals}
                saving_throws: 3
              ipmi:
                hostname: "{bmc.Address}"
                username: {bmc.User}
                password: "{bmc.Password}"
            """;
    }

    /// <summary>Names what host <paramref name="index"/>'s power-off kills: its node service, its libvirtd, its guests' QEMUs.</summary>
    private void WireBmc(int index)
    {
        var host = _hosts[index];
        var node = Cluster.Nodes.Single(n => n.Name == host.Name);
        _bmcs[index].PowerControls(node.Pid ?? throw new InvalidOperationException($"pvcnoded {host.Name} does not run"), host.Pid);
        _bmcs[index].PowerControlsPidFiles(Path.Combine(host.Directory, "run", "qemu"));
    }

    /// <summary>
    /// Boots host <paramref name="index"/> again after its BMC powered it off (a fence): its libvirtd, then its node
    /// service, which comes back flushed (a fenced node does not ready itself, as PVC's) and is made ready as an
    /// administrator would (Resume-PvcNode); the BMC wired to the new processes. The lab is whole again for the
    /// collection's other tests.
    /// </summary>
    public async Task BootAgainAsync(int index)
    {
        var host = _hosts[index];
        await host.RestartAsync();
        var node = Cluster.Nodes.Single(n => n.Name == host.Name);
        node.Start();
        WireBmc(index);
        await Cluster.WaitAsync(Pvc.Core.Schema.NodeKeys.Path(host.Name, Pvc.Core.Schema.NodeKeys.DaemonState), s => s == "run", $"{host.Name} run again");
        // its service registered anew, with this machine's CPUs: 8 again, as PrepareStorageAsync records them
        if (_ceph is not null)
            await RecordEightCpusAsync(Cluster, host.Name);
        await Cluster.NodeOps.ReadyAsync(host.Name);
        await Cluster.NodeOps.WaitReadyAsync(host.Name, TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// The Ceph lab's part once the nodes are ready: a pool made through Pvc (the pool.add task on the primary), its
    /// usage reported, and the hosts recorded with 8 CPUs. The last because both hosts share this 2-CPU machine,
    /// and Pvc's define keeps PVC's rule that a VM has fewer vCPUs than its node's CPUs minus 2, which no VM passes
    /// here; the tests define their guests through Core all the same.
    /// </summary>
    private async Task PrepareStorageAsync(NodeServiceCluster cluster)
    {
        foreach (var node in _hosts.Select(h => h.Name))
            await RecordEightCpusAsync(cluster, node);
        await Pvc.Testing.Ceph.CephLab.WaitUntilAsync(async ct => (await Pvc.Core.Cluster.ClusterStatusReader.ReadAsync(cluster.Connection, ct)).PrimaryNode is not null,
            TimeSpan.FromSeconds(60), "a primary coordinator elected");
        Pool = Pvc.Testing.Ceph.CephLabFixture.UniqueName("vms");
        var request = new Pvc.Core.Storage.PoolRequest(Pool, 8, replication: Pvc.Core.Storage.PoolReplication.Parse("copies=1,mincopies=1"));
        var tasks = cluster.Connection.Tasks;
        await tasks.WaitAsync((await tasks.SubmitAsync(Pvc.Core.Tasks.ClusterTaskKinds.PoolAdd, request.ToArguments())).Id, null, TimeSpan.FromSeconds(120));
        await Pvc.Testing.Ceph.CephLab.WaitUntilAsync(async ct => (await cluster.Connection.Pools.GetAsync(Pool, ct)).Stats?.FreeBytes is > 0,
            TimeSpan.FromSeconds(60), $"pool {Pool}'s usage reported\n{Logs()}");
    }

    /// <summary>Records 8 CPUs in the node's static data (which its service writes when it registers).</summary>
    private static async Task RecordEightCpusAsync(NodeServiceCluster cluster, string node)
    {
        var zk = cluster.Connection.ZooKeeper;
        var path = Pvc.Core.Schema.NodeKeys.Path(node, Pvc.Core.Schema.NodeKeys.StaticData);
        var fields = System.Text.Encoding.UTF8.GetString((await zk.GetDataAsync(path)).Data).Split(' ');
        fields[0] = "8";
        await zk.SetDataAsync(path, System.Text.Encoding.UTF8.GetBytes(string.Join(' ', fields)));
    }

    /// <summary>Each host's libvirtd log and each node service's log, for a failure message.</summary>
    public string Logs() => (_cluster?.Logs() ?? "") + string.Concat(_hosts.Select(h => $"\n--- libvirtd {h.Name}\n{h.Log()}"))
        + string.Concat(_bmcs.Select((b, i) => $"\n--- BMC of {_hosts[i].Name}: {string.Join(", ", b.Calls)}"));

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        // node services first (they would restart what the hosts' stop kills), then the hosts, the link, ZooKeeper
        if (_cluster is not null)
            await _cluster.DisposeAsync();
        foreach (var host in _hosts)
            await host.DisposeAsync();
        foreach (var bmc in _bmcs)
            bmc.Dispose();
        _network?.Dispose();
        if (_ceph is null && _cephStart is not null)
        {
            // a start that failed elsewhere while Ceph was starting: its daemons are stopped once it is up (or failed)
            try
            {
                _ceph = await _cephStart;
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
            }
        }
        if (_ceph is not null)
            await _ceph.DisposeAsync();
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
