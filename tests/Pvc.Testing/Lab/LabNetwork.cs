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

    private readonly int _id;

    private LabNetwork(int id, IReadOnlyList<string> namespaces, IReadOnlyList<string> addresses)
    {
        _id = id;
        Namespaces = namespaces;
        Addresses = addresses;
    }

    /// <summary>The namespaces, one a host.</summary>
    public IReadOnlyList<string> Namespaces { get; }

    /// <summary>Each host's address on the link (10.213.0.1, 10.213.0.2).</summary>
    public IReadOnlyList<string> Addresses { get; }

    /// <summary>With <see cref="AddUplink"/>: the machine's own address that every lab host reaches, else null.</summary>
    public string? UplinkAddress { get; private set; }

    /// <summary>The name of the uplink's end in each namespace.</summary>
    public const string UplinkInterfaceName = "up0";

    /// <summary>
    /// Joins the machine's own namespace to every lab host, for a service of the machine's that the hosts' guests
    /// use (the Ceph lab, whose monitor and OSDs QEMU's librbd reaches): one veth pair a host, in 10.214.&lt;n&gt;.0/24 with
    /// a /30 each (the machine's end .1, .5, ..., the host's .2, .6, ...), n the first not in use on the machine.
    /// The machine's end towards the first host carries <see cref="UplinkAddress"/>; the other hosts reach it through
    /// their own pair (the machine takes a packet for any of its addresses on any interface: no forwarding is turned
    /// on). The pairs go with the namespaces (<see cref="Dispose"/>, or the sweep of a dead run's).
    /// </summary>
    /// <returns>The machine's address the hosts reach (<see cref="UplinkAddress"/>).</returns>
    /// <exception cref="InvalidOperationException">The machine refused, or no 10.214.n.0/24 is free.</exception>
    public string AddUplink()
    {
        if (UplinkAddress is not null)
            return UplinkAddress;
        var used = LabCommand.TryRun("ip", ["-4", "-o", "addr", "show"]).Output;
        var subnet = Enumerable.Range(1, 254).FirstOrDefault(n => !used.Contains(string.Create(CultureInfo.InvariantCulture, $" 10.214.{n}."), StringComparison.Ordinal));
        if (subnet == 0)
            throw new InvalidOperationException("The lab uplink found no free 10.214.n.0/24 on this machine.");
        for (var i = 0; i < Namespaces.Count; i++)
        {
            // the machine's end is named after the namespace (unique per run and lab), at most 15 characters
            var outer = string.Create(CultureInfo.InvariantCulture, $"pvu{Environment.ProcessId}-{_id}{(char)('a' + i)}");
            if (outer.Length > 15)
                throw new InvalidOperationException($"The lab uplink's interface name {outer} is longer than Linux allows.");
            string Address(int host) => string.Create(CultureInfo.InvariantCulture, $"10.214.{subnet}.{4 * i + host}");
            Ip("link", "add", "name", outer, "type", "veth", "peer", "name", UplinkInterfaceName, "netns", Namespaces[i]);
            Ip("addr", "add", $"{Address(1)}/30", "dev", outer);
            Ip("link", "set", outer, "up");
            Ip("-n", Namespaces[i], "addr", "add", $"{Address(2)}/30", "dev", UplinkInterfaceName);
            Ip("-n", Namespaces[i], "link", "set", UplinkInterfaceName, "up");
            UplinkAddress ??= Address(1);
            if (i > 0)
                Ip("-n", Namespaces[i], "route", "add", $"{UplinkAddress}/32", "via", Address(1));
        }
        return UplinkAddress!;
    }

    /// <summary>Creates the namespaces and the link.</summary>
    /// <exception cref="InvalidOperationException">The machine refused (the message says what failed).</exception>
    public static LabNetwork Create()
    {
        var id = Interlocked.Increment(ref _created);
        var names = new[] { 1, 2 }.Select(n => string.Create(CultureInfo.InvariantCulture, $"{LabMachine.NamespacePrefix}{Environment.ProcessId}-{id}{(char)('a' + n - 1)}")).ToList();
        // addresses only inside our namespaces, so the same subnet may exist in another run's namespaces
        var addresses = new[] { "10.213.0.1", "10.213.0.2" };
        var network = new LabNetwork(id, names, addresses);
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
