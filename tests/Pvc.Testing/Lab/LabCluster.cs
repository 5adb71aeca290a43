using System.ComponentModel;
using Pvc.Core.Connection;
using Pvc.Core.Cluster;
using Pvc.Core.Errors;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.Testing.Lab;

/// <summary>
/// The one lab-cluster starter of the tests, the sandbox and the benchmarks: a ZooKeeper (its own, or one it is given),
/// a cluster initialised by Core, and N real node services (pvcnoded processes) on libvirt test-driver hosts, or with a
/// libvirtd hypervisor and a BMC each (<see cref="LabClusterOptions.Fencing"/>). <see cref="WaitReadyAsync"/> waits for
/// them by condition; everything it started is stopped by PID when it is disposed.
/// </summary>
public sealed class LabCluster : IAsyncDisposable
{
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(60);
    private readonly List<NodeServiceProcess> _nodes = [];
    private readonly List<FencedLabNode> _fenced = [];
    private ZooKeeperServer? _ownZooKeeper;

    private LabCluster(string servers, ClusterConnection connection, string directory)
    {
        Servers = servers;
        Connection = connection;
        Directory = directory;
    }

    /// <summary>The ZooKeeper the lab started itself (<see cref="StartAsync(LabClusterOptions?, CancellationToken)"/>), else null.</summary>
    public ZooKeeperServer? ZooKeeper => _ownZooKeeper;

    /// <summary>The cluster's connection string (with its chroot, if any).</summary>
    public string Servers { get; }

    /// <summary>The lab's own connection to the cluster.</summary>
    public ClusterConnection Connection { get; }

    /// <summary>The folder of the nodes' configurations, hosts and logs.</summary>
    public string Directory { get; }

    /// <summary>The node services, hv1 first.</summary>
    public IReadOnlyList<NodeServiceProcess> Nodes => _nodes;

    /// <summary>With <see cref="LabClusterOptions.Fencing"/>: each node's hypervisor, a libvirtd of its own.</summary>
    public IReadOnlyList<TestDriverDaemon> Hosts => [.. _fenced.Select(f => f.Host)];

    /// <summary>With <see cref="LabClusterOptions.Fencing"/>: each node's BMC, whose power-off kills the node's service and hypervisor.</summary>
    public IReadOnlyList<SimulatedBmc> Bmcs => [.. _fenced.Select(f => f.Bmc)];

    /// <summary>Starts a ZooKeeper server of its own and the lab on its root.</summary>
    public static async Task<LabCluster> StartAsync(LabClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        var server = await ZooKeeperServer.StartStandaloneAsync(cancellationToken);
        try
        {
            var lab = await StartAsync(server.Endpoint, options, cancellationToken);
            lab._ownZooKeeper = server;
            return lab;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Initialises the cluster at <paramref name="servers"/> (a connection string, with a chroot or not: see
    /// <see cref="ZooKeeperChroot"/>) and starts its node services; they are not waited for (<see cref="WaitReadyAsync"/>).
    /// </summary>
    public static async Task<LabCluster> StartAsync(string servers, LabClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LabClusterOptions();
        var connection = await TestCluster.InitializeAsync(servers, options.Name, options.SessionTimeout, cancellationToken);
        var lab = new LabCluster(servers, connection, System.IO.Directory.CreateTempSubdirectory($"pvc-{options.Name}-").FullName);
        try
        {
            var names = Enumerable.Range(1, options.NodeCount).Select(i => $"hv{i}").ToList();
            foreach (var name in names)
            {
                var zookeeper = options.ZooKeeperFor?.Invoke(name) ?? servers;
                if (options.Fencing is { } fencing)
                {
                    var node = await FencedLabNode.StartAsync(lab.Directory, name, names, zookeeper, fencing, options.KeepaliveSeconds, options.Executable,
                        environment: options.Environment, extraNodeConfig: options.ExtraNodeConfig);
                    lab._fenced.Add(node);
                    lab._nodes.Add(node.Service);
                    continue;
                }
                var config = options.WriteConfig?.Invoke(lab.Directory, name, names, zookeeper)
                    ?? LabNode.Write(lab.Directory, name, names, zookeeper, options.ExtraNodeConfig, options.KeepaliveSeconds);
                var service = new NodeServiceProcess(options.Executable, name, config, Path.Combine(lab.Directory, $"{name}.log")) { OwnSession = options.OwnSession };
                foreach (var (variable, value) in options.Environment)
                    service.Environment[variable] = value;
                lab._nodes.Add(service);
                service.Start();
            }
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until every running node service has made its node ready; the nodes' logs are in the error when one does not.</summary>
    public async Task WaitReadyAsync(TimeSpan? deadline = null, CancellationToken cancellationToken = default)
    {
        var nodes = new NodeOperations(Connection);
        foreach (var node in _nodes.Where(n => n.IsRunning))
        {
            try
            {
                await nodes.WaitForDomainStateAsync(node.Name, [NodeDomainState.Ready], deadline ?? ReadyDeadline, cancellationToken: cancellationToken, waitForNode: true);
            }
            catch (PvcException e) when (e.Kind == PvcErrorKind.OperationTimeout)
            {
                throw new TimeoutException($"Node {node.Name} did not become ready ({e.Message}):\n{Logs()}", e);
            }
        }
    }

    /// <summary>Each node service's last lines, and each BMC's calls.</summary>
    public string Logs() => string.Join("\n", _nodes.Select(n => $"--- {n.Name}\n{n.Log()}"))
        + string.Concat(_fenced.Select(f => $"\n--- BMC of {f.Service.Name}: {string.Join(", ", f.Bmc.Calls)}"));

    /// <summary>
    /// A clean stop of every node service (SIGTERM, as systemd sends); one that does not stop within
    /// <paramref name="timeout"/> is killed, and the others are stopped all the same.
    /// </summary>
    /// <param name="timeout">How long each may take.</param>
    /// <param name="report">Told of each node that had to be killed.</param>
    public void Stop(TimeSpan timeout, Action<string>? report = null)
    {
        foreach (var node in _nodes)
        {
            try
            {
                node.Stop(timeout);
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException or Win32Exception)
            {
                report?.Invoke($"node {node.Name} did not stop ({e.Message}); killing it.");
                node.Kill();
            }
        }
    }

    /// <summary>Kills what is left by PID (node services, hypervisors, BMCs), closes the connection, stops its own ZooKeeper, removes the folder.</summary>
    public async ValueTask DisposeAsync()
    {
        // every service first, so that none acts on the others' going (a fenced node's service is its FencedLabNode's)
        foreach (var node in _nodes)
            node.Kill();
        foreach (var fenced in _fenced)
            fenced.Dispose();
        foreach (var node in _nodes.Except(_fenced.Select(f => f.Service)))
            node.Dispose();
        await Connection.DisposeAsync();
        if (_ownZooKeeper is not null)
            await _ownZooKeeper.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
