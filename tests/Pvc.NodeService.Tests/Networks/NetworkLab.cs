using System.Diagnostics;
using System.Globalization;
using System.Net;
using Pvc.Core.Networks;
using Pvc.Testing.Lab;
using Pvc.Testing.Pvc;

namespace Pvc.NodeService.Tests.Networks;

/// <summary>The metadata and failover tests' lab pieces: the network, the lease hook, guests on a node's vmbr100, and what a guest asks.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class NetworkLab
{
    /// <summary>A temporary directory dnsmasq can read the hosts files below once it dropped root to its own user.</summary>
    public static string NewDirectory(string prefix)
    {
        var path = Directory.CreateTempSubdirectory(prefix).FullName;
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return path;
    }

    /// <summary>Managed network 100 (10.100.0.0/24, gateway .1, DHCP .100-.199, domain clients.lab).</summary>
    public static NetworkSpec Clients() => new()
    {
        Vni = 100, Description = "clients", Domain = "clients.lab", Ip4Network = IPNetwork.Parse("10.100.0.0/24"), Ip4Gateway = IPAddress.Parse("10.100.0.1"),
        Ip4Dhcp = true, Ip4DhcpStart = IPAddress.Parse("10.100.0.100"), Ip4DhcpEnd = IPAddress.Parse("10.100.0.199"),
    };

    /// <summary>The MAC of the NIC of <see cref="PvcSeed.Xml"/> for <paramref name="uuid"/>.</summary>
    public static string MacOf(Guid uuid)
    {
        var b = uuid.ToByteArray();
        return string.Create(CultureInfo.InvariantCulture, $"52:54:00:{b[0]:x2}:{b[1]:x2}:{b[2]:x2}");
    }

    /// <summary>A pvc.conf for the lease hook, and the hook: pvcnoded entered into this process's network namespace (the test's ZooKeeper is on its loopback).</summary>
    public static (string Config, string Hook) WriteHook(string directory, TestCluster c)
    {
        var config = Path.Combine(directory, "pvc.conf");
        File.WriteAllText(config, $"cluster:\n  name: lab\n  coordinator_nodes: [hv1, hv2]\nnode:\n  name: hv1\n  zookeeper: {c.Chroot}\n");
        var hook = Path.Combine(directory, "lease-hook");
        File.WriteAllText(hook, $"#!/bin/sh\nexec nsenter --net=/proc/{Environment.ProcessId}/ns/net {Path.Combine(AppContext.BaseDirectory, "pvcnoded")} \"$@\"\n");
        File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return (config, hook);
    }

    /// <summary>Waits, with a deadline, until <paramref name="done"/> holds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> done, string what, LineLogger log, TimeSpan? within = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(deadline.Elapsed < (within ?? TimeSpan.FromSeconds(30)), $"{what} did not happen; the node said:\n" + string.Join("\n", log.Lines.Select(l => l.Text)));
            await Task.Delay(100);
        }
    }

    private static void Run(string file, params string[] args)
    {
        var (code, _, error) = LabCommand.TryRun(file, args);
        Assert.True(code == 0, $"{file} {string.Join(' ', args)} failed: {error}");
    }

    /// <summary>A new guest namespace's name (recorded in <paramref name="created"/> for removal).</summary>
    public static string NewGuestName(ref int counter, List<string> created)
    {
        var n = Interlocked.Increment(ref counter);
        var name = string.Create(CultureInfo.InvariantCulture, $"{LabMachine.NamespacePrefix}{Environment.ProcessId}-m{n}");
        Run("ip", "netns", "add", name);
        created.Add(name);
        return name;
    }

    /// <summary>Attaches guest <paramref name="guest"/> (its eth0 with <paramref name="mac"/>) to the node's <paramref name="bridge"/> by a veth pair.</summary>
    public static string AddGuest(string node, string guest, string bridge, string mac)
    {
        var port = "mp" + guest[^6..].Replace("-", "", StringComparison.Ordinal);
        Run("ip", "link", "add", port, "netns", node, "type", "veth", "peer", "name", "eth0", "netns", guest);
        Run("ip", "-n", guest, "link", "set", "eth0", "address", mac);
        Run("ip", "-n", guest, "link", "set", "eth0", "mtu", "1450");
        Run("ip", "-n", node, "link", "set", port, "mtu", "1450");
        Run("ip", "-n", guest, "link", "set", "lo", "up");
        Run("ip", "-n", guest, "link", "set", "eth0", "up");
        Run("ip", "-n", node, "link", "set", port, "master", bridge);
        Run("ip", "-n", node, "link", "set", port, "up");
        return guest;
    }

    /// <summary>
    /// udhcpc asks (for <paramref name="requested"/>, a renewal, when given) and the guest takes the address it was
    /// offered with the gateway as its route (once); returns the address and udhcpc's words.
    /// </summary>
    public static (string Address, string Said) TakeLease(string guest, string? requested = null, int tries = 30, string? hostname = null)
    {
        List<string> ask = ["netns", "exec", guest, "udhcpc", "-i", "eth0", "-n", "-q", "-f", "-t", tries.ToString(CultureInfo.InvariantCulture), "-T", "1", "-s", "/bin/true"];
        if (requested is not null)
            ask.AddRange(["-r", requested]);
        if (hostname is not null)
            ask.AddRange(["-x", $"hostname:{hostname}"]);
        var (code, output, error) = LabCommand.TryRun("ip", ask, TimeSpan.FromSeconds(tries + 30));
        Assert.True(code == 0, $"udhcpc got no lease: {output} {error}");
        var said = output + error;
        var address = said.Split('\n').First(l => l.Contains("lease of", StringComparison.Ordinal)).Split("lease of ")[1].Split(' ')[0];
        if (!LabCommand.TryRun("ip", ["-n", guest, "-4", "-o", "address", "show", "eth0"]).Output.Contains($"inet {address}/", StringComparison.Ordinal))
        {
            Run("ip", "-n", guest, "address", "add", $"{address}/24", "dev", "eth0");
            Run("ip", "-n", guest, "route", "add", "default", "via", "10.100.0.1");
        }
        return (address, said);
    }

    /// <summary>The lease of <paramref name="mac"/> in ZooKeeper, once it names <paramref name="address"/> and holds <paramref name="holds"/>.</summary>
    public static async Task<DhcpLease> WaitForLeaseAsync(TestCluster c, string mac, string address, Func<DhcpLease, bool>? holds = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if ((await c.Connection.Networks.GetAsync(100)).Leases.FirstOrDefault(l => l.MacAddress == mac && l.IpAddress?.ToString() == address) is { } lease
                && (holds is null || holds(lease)))
                return lease;
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"The lease of {mac} for {address} did not reach ZooKeeper.");
            await Task.Delay(50);
        }
    }

    /// <summary>The A record dnsmasq at the gateway gives <paramref name="guest"/> for <paramref name="name"/>, or "".</summary>
    public static string Resolve(string guest, string name) =>
        LabCommand.TryRun("ip", ["netns", "exec", guest, "dig", "+short", "+norec", "+time=1", "+tries=1", "@10.100.0.1", name, "A"], TimeSpan.FromSeconds(10)).Output.Trim();

    /// <summary>Whether the DNS server at the gateway answers <paramref name="guest"/> at all (any status).</summary>
    public static bool DnsAnswers(string guest) =>
        LabCommand.TryRun("ip", ["netns", "exec", guest, "dig", "+norec", "+time=1", "+tries=1", "@10.100.0.1", "clients.lab", "SOA"], TimeSpan.FromSeconds(10)).Output.Contains("status:", StringComparison.Ordinal);

    /// <summary>Whether one ping from <paramref name="guest"/> to <paramref name="address"/> is answered within a second.</summary>
    public static bool Pings(string guest, string address) =>
        LabCommand.TryRun("ip", ["netns", "exec", guest, "busybox", "ping", "-c", "1", "-W", "1", address], TimeSpan.FromSeconds(10)).ExitCode == 0;

    /// <summary>GET http://169.254.169.254<paramref name="path"/> from <paramref name="guest"/> with curl: the status (0 when nothing answered) and body.</summary>
    public static (int Status, string Body) Get(string guest, string path)
    {
        var (_, output, _) = LabCommand.TryRun("ip", ["netns", "exec", guest, "curl", "-s", "--max-time", "2", "-w", "\n%{http_code}", $"http://169.254.169.254{path}"], TimeSpan.FromSeconds(10));
        var cut = output.LastIndexOf('\n');
        return cut < 0 ? (0, output)
            : (int.TryParse(output[(cut + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var status) ? status : 0, output[..cut]);
    }
}
