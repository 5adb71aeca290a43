using System.Diagnostics;
using System.Globalization;
using System.Net;
using Npgsql;
using Pvc.Core.Networks;
using Pvc.Core.Nodes;
using Pvc.Core.Schema;
using Pvc.NodeService.Daemon;
using Pvc.NodeService.Configuration;
using Pvc.NodeService.Networks;
using Pvc.Testing.Lab;
using Pvc.Testing.Postgres;
using Pvc.Testing.Pvc;
using Pvc.Testing.ZooKeeper;

namespace Pvc.NodeService.Tests.Networks;

/// <summary>
/// The primary's DNS aggregator on a lab node: real PostgreSQL 15 with PowerDNS's schema, real pdns_server (gpgsql) on
/// the node's cluster floating address, real dnsmasq giving guests leases and names, and guests (namespaces on
/// vmbr100) asking through their gateway with dig.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DnsAggregatorTests(ZooKeeperFixture zk) : IDisposable
{
    private const string Password = "dns-pw-7q2x9k";
    private static int _guests;
    private readonly List<string> _namespaces = [];
    private readonly string _dir = NewDirectory();

    private static string NewDirectory()
    {
        var path = Directory.CreateTempSubdirectory("pvc-dns-").FullName;
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return path;
    }

    private static void Run(string file, params string[] args)
    {
        var (code, _, error) = LabCommand.TryRun(file, args);
        Assert.True(code == 0, $"{file} {string.Join(' ', args)} failed: {error}");
    }

    /// <summary>A guest on the node's vmbr100 that takes a DHCP lease, sending <paramref name="hostname"/>, and configures the address it got with the gateway as its route.</summary>
    private string AddGuest(string node, string mac, string hostname)
    {
        var n = Interlocked.Increment(ref _guests);
        var name = string.Create(CultureInfo.InvariantCulture, $"{LabMachine.NamespacePrefix}{Environment.ProcessId}-d{n}");
        Run("ip", "netns", "add", name);
        _namespaces.Add(name);
        var port = $"dgs{n}";
        Run("ip", "link", "add", port, "netns", node, "type", "veth", "peer", "name", "eth0", "netns", name);
        Run("ip", "-n", name, "link", "set", "eth0", "address", mac);
        Run("ip", "-n", name, "link", "set", "lo", "up");
        Run("ip", "-n", name, "link", "set", "eth0", "up");
        Run("ip", "-n", node, "link", "set", port, "master", "vmbr100");
        Run("ip", "-n", node, "link", "set", port, "up");
        var (code, output, error) = LabCommand.TryRun("ip", ["netns", "exec", name, "udhcpc", "-i", "eth0", "-n", "-q", "-f", "-t", "30", "-T", "1", "-s", "/bin/true", "-x", $"hostname:{hostname}"], TimeSpan.FromSeconds(60));
        Assert.True(code == 0, $"udhcpc got no lease: {output} {error}");
        var address = (output + error).Split('\n').First(l => l.Contains("lease of", StringComparison.Ordinal)).Split("lease of ")[1].Split(' ')[0];
        Run("ip", "-n", name, "address", "add", $"{address}/24", "dev", "eth0");
        Run("ip", "-n", name, "route", "add", "default", "via", "10.100.0.1");
        return name;
    }

    /// <summary>dig's answer section from <paramref name="guest"/> for <paramref name="name"/> at <paramref name="server"/> (no recursion asked), with its header.</summary>
    private static string Dig(string guest, string server, string name, string type = "A") =>
        LabCommand.TryRun("ip", ["netns", "exec", guest, "dig", "+norec", "+time=1", "+tries=1", $"@{server}", name, type], TimeSpan.FromSeconds(10)).Output;

    private static async Task EventuallyAsync(Func<Task<bool>> done, string what, LineLogger log, TimeSpan? within = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(deadline.Elapsed < (within ?? TimeSpan.FromSeconds(30)), $"{what} did not happen; the node said:\n" + string.Join("\n", log.Lines.Select(l => l.Text)));
            await Task.Delay(100);
        }
    }

    private (string Config, string Hook) WriteHook(TestCluster c)
    {
        var config = Path.Combine(_dir, "pvc.conf");
        File.WriteAllText(config, $"cluster:\n  name: lab\n  coordinator_nodes: [hv1]\nnode:\n  name: hv1\n  zookeeper: {c.Chroot}\n");
        var hook = Path.Combine(_dir, "lease-hook");
        File.WriteAllText(hook, $"#!/bin/sh\nexec nsenter --net=/proc/{Environment.ProcessId}/ns/net {Path.Combine(AppContext.BaseDirectory, "pvcnoded")} \"$@\"\n");
        File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return (config, hook);
    }

    [Fact]
    public async Task A_guest_resolves_another_guests_name_through_the_gateway_and_PowerDNS_answers_it_from_PostgreSQL()
    {
        using var lab = LabNetwork.Create();
        await using var pg = await PostgresServer.StartAsync();
        await pg.CreatePowerDnsDatabaseAsync("pvcdns", "pvcdns", Password);
        await using var c = await TestCluster.StartAsync(zk);
        var node = lab.Namespaces[0];
        await c.Connection.Networks.AddAsync(new NetworkSpec
        {
            Vni = 100, Description = "clients", Domain = "clients.lab", Ip4Network = IPNetwork.Parse("10.100.0.0/24"), Ip4Gateway = IPAddress.Parse("10.100.0.1"),
            Ip4Dhcp = true, Ip4DhcpStart = IPAddress.Parse("10.100.0.100"), Ip4DhcpEnd = IPAddress.Parse("10.100.0.199"),
        });
        var (config, hook) = WriteHook(c);
        var floating = new FloatingAddress("cluster", LabNetwork.InterfaceName, IPAddress.Parse("10.213.0.250"), 24);
        var database = new DnsDatabaseSettings { Host = pg.SocketDirectory, Port = pg.Port, Database = "pvcdns", User = "pvcdns", Password = Password, UpstreamDomain = "up.lab" };
        var run = Path.Combine(_dir, "run");
        Directory.CreateDirectory(run);

        using var stop = new CancellationTokenSource();
        var ip = new IpTool(node);
        var log = new LineLogger();
        var instances = new NetworkInstances(new NetworkHostOperations(c.Connection), new NetworkSettings { ClusterDevice = LabNetwork.InterfaceName }, ip, log).RunAsync(stop.Token);
        var primary = new PrimaryDhcp(new NetworkHostOperations(c.Connection), ip, new PrimaryDhcpOptions(run, hook, config, node)
        {
            FloatingAddresses = [floating], DnsDatabase = database, DnsTransferInterval = TimeSpan.FromMilliseconds(200),
        }, log).RunAsync(stop.Token);
        await using var sql = new NpgsqlConnection(pg.ConnectionString("pvcdns"));
        await sql.OpenAsync();
        async Task<List<string>> RowsAsync(string type)
        {
            await using var command = new NpgsqlCommand("SELECT r.name || ' ' || r.content FROM records r JOIN domains d ON d.id = r.domain_id WHERE d.name = 'clients.lab' AND r.type = @type ORDER BY 1", sql);
            command.Parameters.AddWithValue("type", type);
            var rows = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                rows.Add(reader.GetString(0));
            return rows;
        }
        try
        {
            // PVC's zone: a MASTER domain of account internal with its SOA and default NS
            await EventuallyAsync(async () => (await RowsAsync("SOA")).Count == 1, "The zone", log);
            Assert.Equal(["clients.lab nsX.up.lab root.up.lab 1 10800 1800 86400 86400"], await RowsAsync("SOA"));
            Assert.Equal(["clients.lab pvc-dns.up.lab"], await RowsAsync("NS"));

            var alpha = AddGuest(node, "52:54:00:00:0d:01", "alpha");
            var beta = AddGuest(node, "52:54:00:00:0d:02", "beta");
            var betaAddress = LabCommand.TryRun("ip", ["-n", beta, "-4", "-o", "address", "show", "eth0"]).Output.Split("inet ")[1].Split('/')[0];

            // the lease's name reaches PostgreSQL by zone transfer from dnsmasq, and PowerDNS, on the primary's
            // floating address behind the guest's gateway, answers it authoritatively
            await EventuallyAsync(async () => (await RowsAsync("A")).Contains($"beta.clients.lab {betaAddress}"), "beta's record in PostgreSQL", log);
            string answer = "";
            await EventuallyAsync(() => Task.FromResult((answer = Dig(alpha, "10.213.0.250", "beta.clients.lab")).Contains($"beta.clients.lab.\t600\tIN\tA\t{betaAddress}", StringComparison.Ordinal)),
                "PowerDNS's answer for beta", log);
            Assert.Contains("flags: qr aa", answer, StringComparison.Ordinal);
            // the gateway's dnsmasq answers the guests too (dig waits 1 s once: asked again under load)
            await EventuallyAsync(() => Task.FromResult(Dig(alpha, "10.100.0.1", "beta.clients.lab").Contains($"\tA\t{betaAddress}", StringComparison.Ordinal)), "dnsmasq's answer for beta", log);
            // what PowerDNS serves is the database's: a row written there is answered (a TXT row: the transfers own
            // only the zone's A and AAAA rows)
            await using (var insert = new NpgsqlCommand("INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth) SELECT id, 'static.clients.lab', 'TXT', '\"kept\"', 60, 0, false, true FROM domains WHERE name = 'clients.lab'", sql))
                await insert.ExecuteNonQueryAsync();
            await EventuallyAsync(() => Task.FromResult(Dig(alpha, "10.213.0.250", "static.clients.lab", "TXT").Contains("\tTXT\t\"kept\"", StringComparison.Ordinal)), "PowerDNS's answer from the database's row", log);
            // and an A row dnsmasq does not have is taken out by the next transfer: the zone's names are the leases'
            await using (var insert = new NpgsqlCommand("INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth) SELECT id, 'stray.clients.lab', 'A', '10.100.0.77', 60, 0, false, true FROM domains WHERE name = 'clients.lab'", sql))
                await insert.ExecuteNonQueryAsync();
            await EventuallyAsync(async () => !(await RowsAsync("A")).Contains("stray.clients.lab 10.100.0.77"), "the stray A row going", log);
            Assert.Contains($"beta.clients.lab {betaAddress}", await RowsAsync("A"));
            Assert.Equal(["static.clients.lab \"kept\""], await RowsAsync("TXT"));
            // the serial went up when the transfer changed the zone
            Assert.NotEqual("1", (await RowsAsync("SOA")).Single().Split(' ')[3]);

            // the password is in PowerDNS's configuration file, which only root reads, and never in the log
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(run, "pdns", "pdns.conf")));
            Assert.DoesNotContain(log.Lines, l => l.Text.Contains(Password, StringComparison.Ordinal));
            Assert.DoesNotContain(Password, LabCommand.TryRun("ps", ["-eo", "args"]).Output, StringComparison.Ordinal);

            // a network removed: its zone goes from the database
            await c.Connection.Networks.RemoveAsync("100", force: true);
            await EventuallyAsync(async () => (await RowsAsync("SOA")).Count == 0, "The removed network's zone going", log);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\nThe node said:\n{string.Join("\n", log.Lines.Select(l => l.Text))}");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(instances.ContinueWith(_ => { }, TaskScheduler.Default), primary.ContinueWith(_ => { }, TaskScheduler.Default));
        }
        // relinquished: nothing answers on the floating address any more, which is gone
        Assert.DoesNotContain("10.213.0.250", await ip.RunAsync(["-4", "-o", "address", "show"], default), StringComparison.Ordinal);
        Assert.False(Serves(run));
    }

    /// <summary>Whether a pdns_server of the run directory <paramref name="run"/> is running.</summary>
    private static bool Serves(string run) => LabCommand.Runs("pdns_server", $"--config-dir={Path.Combine(run, "pdns")}");

    [Fact]
    public async Task On_a_primary_hand_over_and_back_PowerDNS_stops_on_the_old_primary_before_it_starts_on_the_new_one()
    {
        using var lab = LabNetwork.Create();
        await using var pg = await PostgresServer.StartAsync();
        await pg.CreatePowerDnsDatabaseAsync("pvcdns", "pvcdns", Password);
        await using var c = await TestCluster.StartAsync(zk);
        // a managed network without DHCP (no bridge is built here): its zone is made and served all the same
        await c.Connection.Networks.AddAsync(new NetworkSpec
        {
            Vni = 100, Description = "clients", Domain = "clients.lab", Ip4Network = IPNetwork.Parse("10.100.0.0/24"), Ip4Gateway = IPAddress.Parse("10.100.0.1"),
        });
        var floating = new FloatingAddress("cluster", LabNetwork.InterfaceName, IPAddress.Parse("10.213.0.250"), 24);
        var database = new DnsDatabaseSettings { Host = pg.SocketDirectory, Port = pg.Port, Database = "pvcdns", User = "pvcdns", Password = Password, UpstreamDomain = "up.lab" };
        string[] names = ["hv1", "hv2"];
        var runs = new List<string>();
        var log = new LineLogger();
        using var stop = new CancellationTokenSource();
        var elections = new List<Task>();
        for (var i = 0; i < 2; i++)
        {
            var run = Path.Combine(_dir, names[i]);
            Directory.CreateDirectory(run);
            runs.Add(run);
            var config = new NodeConfig { ClusterName = "lab", NodeName = names[i], ZooKeeper = c.Chroot, CoordinatorNodes = names, KeepaliveInterval = TimeSpan.FromSeconds(1) };
            var duty = new PrimaryDhcp(new NetworkHostOperations(c.Connection), new IpTool(lab.Namespaces[i]),
                new PrimaryDhcpOptions(run, "/bin/true", Path.Combine(run, "pvc.conf"), lab.Namespaces[i]) { FloatingAddresses = [floating], DnsDatabase = database }, log);
            elections.Add(new PrimaryElection(new CoordinatorHostOperations(c.Connection, names[i]), config, [duty], log).RunAsync(stop.Token));
        }
        // one node, the other, the first again: both only count when the first served before and after the other was read
        var both = new List<string>();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                if (Serves(runs[0]) && Serves(runs[1]) && Serves(runs[0]))
                    both.Add(DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                await Task.Delay(10);
            }
        });
        // the zone's SOA, asked at the floating address from the other node's namespace
        bool Answers(string from) => LabCommand.TryRun("ip", ["netns", "exec", from, "dig", "+norec", "+time=1", "+tries=1", "@10.213.0.250", "clients.lab", "SOA"], TimeSpan.FromSeconds(10))
            .Output.Contains("nsX.up.lab. root.up.lab.", StringComparison.Ordinal);
        try
        {
            string first = "";
            await EventuallyAsync(async () => (first = await c.ReadAsync(BaseKeys.PrimaryNode)) is "hv1" or "hv2"
                && await c.ReadAsync(NodeKeys.Path(first, NodeKeys.RouterState)) == "primary", "An election", log);
            var (from, to) = first == "hv1" ? (0, 1) : (1, 0);
            await EventuallyAsync(() => Task.FromResult(Answers(lab.Namespaces[to])), $"PowerDNS on {first}", log);
            Assert.True(Serves(runs[from]) && !Serves(runs[to]));

            var handOver = Stopwatch.StartNew();
            await new NodeOperations(c.Connection).SetPrimaryAsync(names[to]);
            await EventuallyAsync(() => Task.FromResult(Serves(runs[to]) && Answers(lab.Namespaces[from])), $"PowerDNS on {names[to]}", log);
            handOver.Stop();
            Assert.False(Serves(runs[from]), string.Join("\n", log.Lines.Select(l => l.Text)));
            Console.WriteLine($"DNS aggregator hand-over: answering on the new primary {handOver.ElapsedMilliseconds} ms after the primary was named");

            // and back: the node that relinquished serves again (its database connection was not thrown away with its term)
            await new NodeOperations(c.Connection).SetPrimaryAsync(names[from]);
            await EventuallyAsync(() => Task.FromResult(Serves(runs[from]) && Answers(lab.Namespaces[to])), $"PowerDNS on {names[from]} again", log);
            Assert.False(Serves(runs[to]), string.Join("\n", log.Lines.Select(l => l.Text)));
        }
        finally
        {
            await sampling.CancelAsync();
            await sampler;
            await stop.CancelAsync();
            await Task.WhenAll(elections.Select(e => e.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
        Assert.True(both.Count == 0, $"Both nodes ran PowerDNS at {string.Join(", ", both)}");
        Assert.False(Serves(runs[0]) || Serves(runs[1]), "A stopped election left PowerDNS running");
    }

    public void Dispose()
    {
        foreach (var name in _namespaces)
            LabCommand.TryRun("ip", ["netns", "del", name]);
        Directory.Delete(_dir, recursive: true);
    }
}
