namespace Pvc.Testing.Lab;

/// <summary>
/// A lab node made to be fenced: its hypervisor a libvirtd of its own (<see cref="TestDriverDaemon"/>), a BMC
/// (<see cref="SimulatedBmc"/>) whose power-off kills both the node service and the hypervisor, and the node service,
/// started, with the BMC's address and credentials in its pvc.conf.
/// </summary>
public sealed class FencedLabNode : IDisposable
{
    private FencedLabNode(TestDriverDaemon host, SimulatedBmc bmc, NodeServiceProcess service)
    {
        Host = host;
        Bmc = bmc;
        Service = service;
    }

    /// <summary>The hypervisor.</summary>
    public TestDriverDaemon Host { get; }

    /// <summary>The BMC.</summary>
    public SimulatedBmc Bmc { get; }

    /// <summary>The node service.</summary>
    public NodeServiceProcess Service { get; }

    /// <summary>Starts the hypervisor, the BMC and the node service of <paramref name="name"/> in <paramref name="directory"/>.</summary>
    /// <param name="directory">Where the files go (a subfolder each for host and BMC).</param>
    /// <param name="name">The node's name.</param>
    /// <param name="allNodes">Every node (all coordinators).</param>
    /// <param name="zookeeper">The node's ZooKeeper connection string.</param>
    /// <param name="fencing">The <c>fencing.intervals</c> and <c>fencing.actions</c> lines, indented under <c>fencing:</c>.</param>
    /// <param name="keepaliveSeconds">timer.keepalive_interval.</param>
    /// <param name="executable">The pvcnoded to run.</param>
    /// <param name="beforeService">Runs once the hypervisor is up, before the node service starts (a checker that must see every event).</param>
    /// <param name="environment">Environment variables of the node service.</param>
    /// <param name="extraNodeConfig">More top-level YAML sections (a <c>ceph</c> section, ...).</param>
    public static async Task<FencedLabNode> StartAsync(string directory, string name, IReadOnlyList<string> allNodes, string zookeeper, string fencing, int keepaliveSeconds,
        string executable, Func<TestDriverDaemon, Task>? beforeService = null, IReadOnlyDictionary<string, string>? environment = null, string extraNodeConfig = "")
    {
        var host = await TestDriverDaemon.StartAsync(Path.Combine(directory, $"{name}-host"));
        SimulatedBmc? bmc = null;
        try
        {
            bmc = await SimulatedBmc.StartAsync(Path.Combine(directory, $"{name}-bmc"), name);
            var config = LabNode.Write(directory, name, allNodes, zookeeper, $"""
                fencing:
                {fencing}
                  ipmi:
                    hostname: "{bmc.Address}"
                    username: {bmc.User}
                    password: "{bmc.Password}"
                {extraNodeConfig}
                """, keepaliveSeconds, host.Uri);
            var service = new NodeServiceProcess(executable, name, config, Path.Combine(directory, $"{name}.log"));
            foreach (var (variable, value) in environment ?? new Dictionary<string, string>())
                service.Environment[variable] = value;
            if (beforeService is not null)
                await beforeService(host);
            service.Start();
            bmc.PowerControls(service.Pid ?? throw new InvalidOperationException($"pvcnoded {name} did not start"), host.Pid);
            return new FencedLabNode(host, bmc, service);
        }
        catch
        {
            bmc?.Dispose();
            host.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Service.Dispose();
        Host.Dispose();
        Bmc.Dispose();
    }
}
