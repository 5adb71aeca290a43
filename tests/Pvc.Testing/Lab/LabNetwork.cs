using System.Globalization;

namespace Pvc.Testing.Lab;

/// <summary>
/// Two lab hosts' networks: two network namespaces joined by a veth pair, each end addressed in a private /24. Nothing
/// is added to the machine's own namespace (the veth ends are created inside the namespaces), so two runs at once
/// do not collide; the namespaces' names carry the test process id for <see cref="LabMachine.SweepLeftovers"/>.
/// </summary>
public sealed class LabNetwork : IDisposable
{
    /// <summary>The name of the veth end in each namespace.</summary>
    public const string InterfaceName = "lab0";

    private static int _created;
    private bool _disposed;

    private LabNetwork(IReadOnlyList<string> namespaces, IReadOnlyList<string> addresses)
    {
        Namespaces = namespaces;
        Addresses = addresses;
    }

    /// <summary>The namespaces, one a host.</summary>
    public IReadOnlyList<string> Namespaces { get; }

    /// <summary>Each host's address on the link (10.213.0.1, 10.213.0.2).</summary>
    public IReadOnlyList<string> Addresses { get; }

    /// <summary>Creates the namespaces and the link.</summary>
    /// <exception cref="InvalidOperationException">The machine refused (the message says what failed).</exception>
    public static LabNetwork Create()
    {
        var id = Interlocked.Increment(ref _created);
        var names = new[] { 1, 2 }.Select(n => string.Create(CultureInfo.InvariantCulture, $"{LabMachine.NamespacePrefix}{Environment.ProcessId}-{id}{(char)('a' + n - 1)}")).ToList();
        // addresses only inside our namespaces, so the same subnet may exist in another run's namespaces
        var addresses = new[] { "10.213.0.1", "10.213.0.2" };
        var network = new LabNetwork(names, addresses);
        try
        {
            foreach (var name in names)
                Ip("netns", "add", name);
            Ip("link", "add", "name", InterfaceName, "netns", names[0], "type", "veth", "peer", "name", InterfaceName, "netns", names[1]);
            for (var i = 0; i < 2; i++)
            {
                Ip("-n", names[i], "addr", "add", $"{addresses[i]}/24", "dev", InterfaceName);
                Ip("-n", names[i], "link", "set", "lo", "up");
                Ip("-n", names[i], "link", "set", InterfaceName, "up");
            }
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private static void Ip(params string[] args)
    {
        var (code, _, error) = LabCommand.TryRun("ip", args);
        if (code != 0)
            throw new InvalidOperationException($"The lab network could not be set up: 'ip {string.Join(' ', args)}' failed: {error.Trim()} (network namespaces and veth need root and a kernel with CONFIG_NET_NS and CONFIG_VETH).");
    }

    /// <summary>Deletes the namespaces (the veth pair goes with them). Safe to call twice.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var name in Namespaces)
            LabCommand.TryRun("ip", ["netns", "del", name]);
    }
}
