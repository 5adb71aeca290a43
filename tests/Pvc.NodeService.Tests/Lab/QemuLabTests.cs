using System.Diagnostics;
using Pvc.Core.Reading;
using Pvc.Core.Schema;
using Pvc.Core.Vms;
using Pvc.NodeService.Libvirt;
using Pvc.Testing.Lab;
using Pvc.Testing.Pvc;
using Xunit.Abstractions;

namespace Pvc.NodeService.Tests.Lab;

/// <summary>
/// Real guests on two real QEMU hosts, driven by two real node services through Pvc.Core, as the cmdlets drive them:
/// a live migration that keeps the guest running, and a crashed guest that its node starts again.
/// </summary>
[Collection(QemuLabCollection.Name)]
public sealed class QemuLabTests(QemuLabFixture lab, ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    /// <summary>libvirt's VIR_DOMAIN_RUNNING_MIGRATED: running because it came in by migration.</summary>
    private const int RunningMigrated = 2;

    /// <summary>libvirt's VIR_DOMAIN_RUNNING_BOOTED: running because it was started.</summary>
    private const int RunningBooted = 1;

    [Fact]
    public async Task A_running_guest_migrates_live_to_the_other_host_and_keeps_running()
    {
        var c = lab.Cluster;
        output.WriteLine($"lab started in {lab.StartTime.TotalSeconds:0.0} s");
        var uuid = Guid.NewGuid();
        var vm = await DefineAsync(uuid, "tick-live", "hv1");
        await c.Vms.StartAsync(vm);
        await c.Vms.WaitRunningAsync(vm, Wait);
        await c.WaitRunningOnAsync(uuid, "hv1");

        using var hv1 = LibvirtConnection.Open(lab.Hosts[0].LibvirtUri);
        using var hv2 = LibvirtConnection.Open(lab.Hosts[1].LibvirtUri);
        using (var source = hv1.LookupDomain(uuid))
        {
            // ZooKeeper keeps PVC's KVM XML; the node ran it as TCG by its own configuration
            Assert.Contains("type='kvm'", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.Xml)), StringComparison.Ordinal);
            Assert.Contains("type='qemu'", source.GetXml(), StringComparison.Ordinal);
            Assert.Equal((DomainState.Running, RunningBooted), source.GetState());
        }

        // let the guest count for a while, so that a restarted guest could not have counted as far (see below)
        var before = await WaitForTicksAsync(hv1, uuid, 2 * TickGuest.TicksPerSecond);
        var sinceBefore = Stopwatch.StartNew();
        var sourceQemu = lab.Hosts[0].QemuPid("tick-live");
        Assert.NotNull(sourceQemu);

        var migrating = Stopwatch.StartNew();
        var plan = await c.Vms.MigrateAsync(vm, new MigrationRequest(MigrationKind.Migrate, "hv2"));
        Assert.Equal(("hv1", "hv2"), (plan.From, plan.To));
        Assert.Equal(VmState.Start, await c.Vms.WaitSettledAsync(vm, Wait));
        var migrated = migrating.Elapsed;
        await c.WaitRunningOnAsync(uuid, "hv2");

        // libvirt on each host: gone from the source (its QEMU has ended), running on the target because it came in
        Assert.Null(hv1.TryLookupDomain(uuid));
        Assert.False(LabCommand.IsAlive(sourceQemu.Value), "the source QEMU still runs");
        ulong after;
        using (var target = hv2.LookupDomain(uuid))
        {
            Assert.Equal((DomainState.Running, RunningMigrated), target.GetState());
            after = TickGuest.ReadCounter(target.PeekPhysicalMemory(TickGuest.CounterAddress, 8));
        }
        var elapsedTicks = sinceBefore.Elapsed.TotalSeconds * TickGuest.TicksPerSecond;
        output.WriteLine($"migration (request to state start) {migrated.TotalSeconds:0.00} s; guest ticks {before} before, {after} after, {elapsedTicks:0} ticks of time between");
        // The same guest: libvirt has it running on hv2 because it migrated in (a guest started there afresh reads
        // "booted"), and its counter went on from where it was. The counter is not compared with the wall clock: a TCG
        // guest on a loaded host loses ticks (a CI run saw 345 ticks counted in 599 ticks of time), which read as a restart.
        Assert.True(after >= before, $"the guest's counter went back from {before} to {after}: it was restarted");

        var now = await c.Connection.Vms.GetAsync(uuid);
        Assert.Equal(("hv2", "hv1"), (now.Node, now.LastNode));
        Assert.Equal("", await c.ReadAsync(DomainKeys.Path(uuid, DomainKeys.MigrateSyncLock)));
        await c.WaitForLogAsync(c.Nodes[0], "Migrated VM tick-live live to hv2");
        await c.WaitForLogAsync(c.Nodes[1], "Received VM tick-live: it runs here");

        await c.Vms.StopAsync(vm);
        await c.WaitNotRunningAsync(uuid);
        Assert.Null(hv2.TryLookupDomain(uuid));
    }

    [Fact]
    public async Task A_guest_whose_QEMU_is_killed_is_started_again_by_its_node()
    {
        var c = lab.Cluster;
        var uuid = Guid.NewGuid();
        var vm = await DefineAsync(uuid, "tick-crash", "hv2");
        await c.Vms.StartAsync(vm);
        await c.WaitRunningOnAsync(uuid, "hv2");
        using var hv2 = LibvirtConnection.Open(lab.Hosts[1].LibvirtUri);
        await WaitForTicksAsync(hv2, uuid, 10);
        var crashed = lab.Hosts[1].QemuPid("tick-crash") ?? throw new InvalidOperationException($"no QEMU runs tick-crash on hv2\n{lab.Logs()}");

        var killed = Stopwatch.StartNew();
        Assert.True(LabCommand.Signal(crashed, "KILL"));
        // libvirt notices the end of its QEMU at once; the node's keepalive (1 s here, 5 s in PVC) starts it again
        var restarted = await PollAsync(() => lab.Hosts[1].QemuPid("tick-crash") is { } pid && pid != crashed ? pid : (int?)null, "a new QEMU for tick-crash");
        var state = await PollAsync(() =>
        {
            using var domain = hv2.TryLookupDomain(uuid);
            return domain?.GetState() is { State: DomainState.Running } running ? running : ((DomainState, int)?)null;
        }, "tick-crash running");
        Assert.Equal((DomainState.Running, RunningBooted), state);
        output.WriteLine($"QEMU {crashed} killed; QEMU {restarted} runs the guest again after {killed.Elapsed.TotalSeconds:0.00} s");
        Assert.False(LabCommand.IsAlive(crashed));
        Assert.Equal(VmState.Start, (await c.Connection.Vms.GetAsync(uuid)).State);
        await c.WaitRunningOnAsync(uuid, "hv2");

        await c.Vms.StopAsync(vm);
        await c.WaitNotRunningAsync(uuid);
    }

    [Fact]
    public async Task A_guest_still_coming_in_when_its_sender_s_node_service_dies_never_runs_twice()
    {
        // rev13 O2: the receiver's phase B gets the lock once the dead sender's session ends, while the sender's libvirtd
        // goes on with the migration; a guest paused for the migration counted as received was written "start" there,
        // and when the migration then failed the receiver started a second copy beside the sender's running one
        var c = lab.Cluster;
        var uuid = Guid.NewGuid();
        var vm = await DefineAsync(uuid, "tick-incoming", "hv1");
        await c.Vms.StartAsync(vm);
        await c.WaitRunningOnAsync(uuid, "hv1");
        using var hv1 = LibvirtConnection.Open(lab.Hosts[0].LibvirtUri);
        using var hv2 = LibvirtConnection.Open(lab.Hosts[1].LibvirtUri);
        await WaitForTicksAsync(hv1, uuid, 10);
        var source = lab.Hosts[0].QemuPid("tick-incoming") ?? throw new InvalidOperationException($"no QEMU runs tick-incoming on hv1\n{lab.Logs()}");
        // the migration's stream crawls over hv1's end of the link (128 kbit/s): the guest stays "coming in" on hv2 for
        // tens of seconds, long enough for hv1's session to end meanwhile
        ShapeLink(lab.Hosts[0].Namespace, ["add", "dev", LabNetwork.InterfaceName, "root", "tbf", "rate", "128kbit", "burst", "16kb", "latency", "5s"]);
        try
        {
            await c.Vms.MigrateAsync(vm, new MigrationRequest(MigrationKind.Migrate, "hv2"));
            var incoming = await PollAsync(() =>
            {
                using var domain = hv2.TryLookupDomain(uuid);
                return domain?.GetState() is (DomainState.Paused, DomainSummary.PausedMigration) ? lab.Hosts[1].QemuPid("tick-incoming") : null;
            }, "the guest coming in on hv2, paused by libvirt");

            c.Nodes[0].Kill(); // hv1's node service only: its libvirtd and QEMU live on, and so does the migration
            await c.WaitForLogAsync(c.Nodes[1], "Received VM tick-incoming: it runs here", "tick-incoming is still coming in");
            // the migration fails (its incoming QEMU dies): libvirt removes the guest from hv2, and hv1's runs on
            Assert.True(LabCommand.Signal(incoming, "KILL"));
            await PollAsync(() => LabCommand.IsAlive(incoming) ? null : (bool?)true, "the incoming QEMU ended");

            // before: hv2 had written "start" for the guest it counted as arrived, and now started it afresh
            await c.WaitForLogAsync(c.Nodes[1], "Starting VM tick-incoming", "Migration of VM tick-incoming aborted or failed");
            Assert.DoesNotContain("Starting VM tick-incoming", File.ReadAllText(c.Nodes[1].LogPath), StringComparison.Ordinal);
            Assert.Null(lab.Hosts[1].QemuPid("tick-incoming"));
            Assert.True(LabCommand.IsAlive(source), "the sender's QEMU runs the guest on");
            Assert.NotEqual(VmState.Start, (await c.Connection.Vms.GetAsync(uuid)).State);
        }
        finally
        {
            ShapeLink(lab.Hosts[0].Namespace, ["del", "dev", LabNetwork.InterfaceName, "root"]);
            if (!c.Nodes[0].IsRunning)
                c.Nodes[0].Start();
        }

        // hv1's service back: it finds the guest running there and assigned to hv2, and migrates it after all
        await c.WaitReadyAsync();
        Assert.Equal(VmState.Start, await c.Vms.WaitSettledAsync(vm, Wait));
        await c.WaitRunningOnAsync(uuid, "hv2");
        Assert.False(LabCommand.IsAlive(source), "the source QEMU still runs");
        await c.Vms.StopAsync(vm);
        await c.WaitNotRunningAsync(uuid);
    }

    [Fact]
    public Task A_live_migration_whose_call_fails_while_libvirt_carries_it_on_never_runs_the_guest_twice() =>
        // rev15 P2-2: the sender's libvirt connection drops during a p2p live migration (here libvirtd's own admin
        // interface disconnects it, as a client keepalive timeout would): the call fails, libvirtd carries the job on,
        // and a sender that took "failed" for "the guest stayed here" aborted a live-only VM to "start" on hv1, then
        // booted a second copy there once the orphaned job had moved the guest to hv2. Now the job is aborted and
        // waited for, and the guest, still on hv1, is migrated by the next attempt.
        MigrateWithDroppedConnectionAsync("tick-orphan", jobEndsFirst: false, "libvirt carries its migration on after the call failed");

    [Fact]
    public Task A_live_migration_reported_failed_after_the_guest_left_is_not_aborted_back_to_the_sender() =>
        // rev15 P2-2, its other half: the sender's service is stopped (SIGSTOP) while its connection drops and the
        // orphaned job completes; when it runs again the call fails and the guest is gone from hv1. It was aborted to
        // "start" on hv1 and booted there again; now it is left to the receiver, which has it running.
        MigrateWithDroppedConnectionAsync("tick-left", jobEndsFirst: true, "left this node although its live migration to hv2 was reported failed");

    /// <summary>
    /// A live-only migration of a new guest from hv1 to hv2 over a slowed link, during which hv1's libvirtd drops its
    /// node service's connection; with <paramref name="jobEndsFirst"/>, the service is frozen meanwhile and thawed only
    /// once the job has moved the guest. Asserts that the guest's vCPUs never run on both hosts, that it ends running
    /// on hv2 (where ZooKeeper has it) as the migrated guest, that hv1 booted no copy, and that hv1 logged <paramref name="expected"/>.
    /// </summary>
    private async Task MigrateWithDroppedConnectionAsync(string name, bool jobEndsFirst, string expected)
    {
        var c = lab.Cluster;
        var uuid = Guid.NewGuid();
        var vm = await DefineAsync(uuid, name, "hv1");
        await c.Vms.StartAsync(vm);
        await c.WaitRunningOnAsync(uuid, "hv1");
        using var hv1 = LibvirtConnection.Open(lab.Hosts[0].LibvirtUri);
        using var hv2 = LibvirtConnection.Open(lab.Hosts[1].LibvirtUri);
        await WaitForTicksAsync(hv1, uuid, 10);
        var source = lab.Hosts[0].QemuPid(name) ?? throw new InvalidOperationException($"no QEMU runs {name} on hv1\n{lab.Logs()}");
        var service = c.Nodes[0].Pid ?? throw new InvalidOperationException("hv1's node service is not running");
        var hv1Log = File.ReadAllText(c.Nodes[0].LogPath).Length;

        // where the guest's vCPUs run, from outside the node services, until the end: a guest coming in (paused by
        // libvirt) or left behind paused at the switch-over does not run; a second boot does
        using var stop = new CancellationTokenSource();
        var overlaps = new List<string>();
        var samples = 0;
        var watcher = Task.Run(async () =>
        {
            using var w1 = LibvirtConnection.Open(lab.Hosts[0].LibvirtUri);
            using var w2 = LibvirtConnection.Open(lab.Hosts[1].LibvirtUri);
            while (!stop.IsCancellationRequested)
            {
                bool Runs(LibvirtConnection host)
                {
                    try
                    {
                        using var domain = host.TryLookupDomain(uuid);
                        return domain?.GetState().State == DomainState.Running;
                    }
                    catch (LibvirtException)
                    {
                        return false; // gone between the lookup and the read
                    }
                }
                if (Runs(w1) && Runs(w2))
                    lock (overlaps)
                        overlaps.Add($"{DateTime.UtcNow:HH:mm:ss.fff}: {name} running on hv1 and hv2");
                Interlocked.Increment(ref samples);
                await Task.Delay(20);
            }
        });

        ShapeLink(lab.Hosts[0].Namespace, ["add", "dev", LabNetwork.InterfaceName, "root", "tbf", "rate", "128kbit", "burst", "16kb", "latency", "5s"]);
        try
        {
            await c.Vms.MigrateAsync(vm, new MigrationRequest(MigrationKind.Migrate, "hv2", Live: true));
            await PollAsync(() =>
            {
                using var domain = hv2.TryLookupDomain(uuid);
                return domain?.GetState() is (DomainState.Paused, DomainSummary.PausedMigration) ? true : (bool?)null;
            }, "the guest coming in on hv2, paused by libvirt");

            // libvirtd drops hv1's node service as a client; the migration job, libvirtd's own, goes on
            if (jobEndsFirst)
                c.Nodes[0].Freeze();
            var dropped = DisconnectClients(lab.Hosts[0], service);
            Assert.True(dropped > 0, $"hv1's libvirtd had no client with the node service's PID {service}");
            if (jobEndsFirst)
            {
                ShapeLink(lab.Hosts[0].Namespace, ["del", "dev", LabNetwork.InterfaceName, "root"]);
                await PollAsync(() =>
                {
                    using var there = hv2.TryLookupDomain(uuid);
                    using var here = hv1.TryLookupDomain(uuid);
                    return here is null && there?.GetState().State == DomainState.Running ? true : (bool?)null;
                }, $"the orphaned job moving {name} to hv2");
                c.Nodes[0].Thaw();
            }
            await c.WaitForLogAsync(c.Nodes[0], $"Live migration of VM {name} to hv2 failed");
            ShapeLink(lab.Hosts[0].Namespace, ["del", "dev", LabNetwork.InterfaceName, "root"]);

            Assert.Equal(VmState.Start, await c.Vms.WaitSettledAsync(vm, Wait));
            await c.WaitRunningOnAsync(uuid, "hv2");
            // settled where it runs, and it runs nowhere else: hv1 booted no copy of its own
            await PollAsync(() => lab.Hosts[0].QemuPid(name) is null && !LabCommand.IsAlive(source) ? true : (bool?)null, $"hv1's QEMU of {name} ended");
            var node = (await c.Connection.Vms.GetAsync(uuid)).Node;
            Assert.True(node == "hv2", $"{name} runs on hv2 but is assigned to {node}\n{lab.Logs()}");
            using (var target = hv2.LookupDomain(uuid))
                Assert.Equal((DomainState.Running, RunningMigrated), target.GetState());
            Assert.DoesNotContain($"Starting VM {name}", File.ReadAllText(c.Nodes[0].LogPath)[hv1Log..], StringComparison.Ordinal);
        }
        finally
        {
            if (jobEndsFirst)
                c.Nodes[0].Thaw(); // a failure while it was frozen must not leave hv1's service stopped for the next test
            ShapeLink(lab.Hosts[0].Namespace, ["del", "dev", LabNetwork.InterfaceName, "root"]);
            await stop.CancelAsync();
            await watcher;
        }
        foreach (var line in File.ReadAllText(c.Nodes[0].LogPath)[hv1Log..].Split('\n').Where(l => l.Contains(name, StringComparison.Ordinal)))
            output.WriteLine($"hv1: {line}");
        output.WriteLine($"{samples} samples of both hosts");
        // the case each test is about, not a plain failure
        Assert.Contains(expected, File.ReadAllText(c.Nodes[0].LogPath)[hv1Log..], StringComparison.Ordinal);
        Assert.True(samples > 10, $"only {samples} samples of both hosts");
        Assert.Empty(overlaps);
        await c.Vms.StopAsync(vm);
        await c.WaitNotRunningAsync(uuid);
    }

    /// <summary>
    /// Disconnects every client of the host's libvirtd whose process is <paramref name="pid"/>, through libvirtd's admin
    /// interface (virt-admin client-disconnect); returns how many.
    /// </summary>
    private static int DisconnectClients(QemuLabHost host, int pid)
    {
        var admin = $"libvirtd:///system?socket={host.Directory}/run/libvirt-admin-sock";
        var list = LabCommand.Run("virt-admin", "-c", admin, "srv-clients-list", "libvirtd");
        var dropped = 0;
        foreach (var id in list.Split('\n').Select(l => l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length > 1 && f[0].All(char.IsAsciiDigit)).Select(f => f[0]))
        {
            var info = LabCommand.TryRun("virt-admin", ["-c", admin, "client-info", "libvirtd", id]).Output;
            var owner = info.Split('\n').Select(l => l.Split(':', 2)).FirstOrDefault(f => f.Length == 2 && f[0].Trim() == "unix_process_id");
            if (owner is not null && owner[1].Trim() == pid.ToString(System.Globalization.CultureInfo.InvariantCulture) &&
                LabCommand.TryRun("virt-admin", ["-c", admin, "client-disconnect", "libvirtd", id]).ExitCode == 0)
                dropped++;
        }
        return dropped;
    }

    [Fact]
    public async Task A_running_guest_s_stats_come_from_libvirt_s_bulk_stats_and_read_as_rates()
    {
        var c = lab.Cluster;
        var uuid = Guid.NewGuid();
        var vm = await DefineAsync(uuid, "tick-stats", "hv2");
        await c.Vms.StartAsync(vm);
        await c.WaitRunningOnAsync(uuid, "hv2");
        // the test driver gives libvirt's state only; QEMU gives the CPU time and the balloon's figures
        var text = await c.WaitAsync(DomainKeys.Path(uuid, DomainKeys.Stats), t => VmStats.Parse(t) is { CpuTimeNs: > 0 }, "tick-stats' stats with its CPU time");
        var stats = VmStats.Parse(text)!;
        output.WriteLine(text);
        Assert.Equal("RUNNING", stats.State);
        using (var hv2 = LibvirtConnection.Open(lab.Hosts[1].LibvirtUri))
        using (var domain = hv2.LookupDomain(uuid))
        {
            var info = domain.GetInfo();
            Assert.Equal((long)info.MaxMemoryKiB, stats.MaxMemoryKiB);
            Assert.Equal(info.VirtualCpus, stats.Vcpus);
        }
        Assert.True(stats.MemoryStats.ContainsKey("actual"), "the balloon's current size (mem_stats.actual) is missing");
        Assert.NotNull(stats.CpuUserNs);

        var stat = Assert.Single(await c.Vms.GetStatsAsync([await c.Connection.Vms.GetAsync(uuid)], TimeSpan.FromSeconds(30)));
        output.WriteLine($"CPU {stat.CpuPercent} % over {stat.Interval?.TotalSeconds:0.00} s");
        Assert.NotNull(stat.Interval);
        // a guest that halts between its timer's ticks: some CPU (QEMU's TCG thread), well under one CPU
        Assert.InRange(stat.CpuPercent ?? -1, 0, 100);
        await c.Vms.StopAsync(vm);
        await c.WaitNotRunningAsync(uuid);
    }

    /// <summary>Adds or removes a traffic shaper on the lab link's end in <paramref name="networkNamespace"/> (tc qdisc).</summary>
    private static void ShapeLink(string networkNamespace, string[] qdisc)
    {
        var (code, _, error) = LabCommand.TryRun("ip", ["netns", "exec", networkNamespace, "tc", "qdisc", .. qdisc]);
        if (code != 0 && qdisc[0] == "add")
            throw new InvalidOperationException($"tc qdisc {string.Join(' ', qdisc)} failed: {error.Trim()}");
    }

    [Fact]
    public void The_nodes_Ceph_key_becomes_a_private_libvirt_secret_and_a_new_key_replaces_it()
    {
        var host = lab.Hosts[0];
        var keyring = Path.Combine(host.Directory, "ceph.client.libvirt.keyring");
        new Pvc.Testing.Ceph.CephKeyring().Add("client.libvirt", ("mon", "profile rbd"), ("osd", "profile rbd pool=vms")).Write(keyring);
        var key = Pvc.NodeService.Ceph.CephKeyringFile.ReadKey(keyring, "client.libvirt");
        Assert.Equal(28, key.Length); // a cephx key as Ceph encodes it: type, time, length, 16 secret bytes
        var uuid = Guid.NewGuid();
        using var hv1 = LibvirtConnection.Open(host.LibvirtUri);
        hv1.DefineCephSecret(uuid, "client.libvirt secret", key);

        // libvirt 9 keeps a persistent secret in its configuration folder (the lab host's own): the value, in base64
        var stored = Path.Combine(host.Directory, "etc", "secrets");
        Assert.Equal(Convert.ToBase64String(key), File.ReadAllText(Path.Combine(stored, $"{uuid}.base64")).Trim());
        var definition = LabCommand.TryRun("virsh", ["-c", host.LibvirtUri, "secret-dumpxml", uuid.ToString()]).Output;
        Assert.Contains("private='yes'", definition.Replace('"', '\''), StringComparison.Ordinal);
        Assert.Contains("<name>client.libvirt secret</name>", definition, StringComparison.Ordinal);
        // private: no client reads the key back through libvirt
        Assert.NotEqual(0, LabCommand.TryRun("virsh", ["-c", host.LibvirtUri, "secret-get-value", uuid.ToString()]).ExitCode);

        // a rotated key: the same secret, its value replaced
        var rotated = Convert.FromBase64String(Pvc.Testing.Ceph.CephKeyring.NewKey());
        hv1.DefineCephSecret(uuid, "client.libvirt secret", rotated);
        Assert.Equal(Convert.ToBase64String(rotated), File.ReadAllText(Path.Combine(stored, $"{uuid}.base64")).Trim());
        Assert.Equal(0, LabCommand.TryRun("virsh", ["-c", host.LibvirtUri, "secret-undefine", uuid.ToString()]).ExitCode);
    }

    [Fact]
    public void A_keyring_without_the_clients_key_is_refused_without_showing_a_key()
    {
        var keyring = Path.Combine(lab.Hosts[1].Directory, "ceph.client.admin.keyring");
        new Pvc.Testing.Ceph.CephKeyring().Add("client.admin", ("mon", "allow *")).Write(keyring);
        var e = Assert.Throws<Pvc.Core.Errors.PvcException>(() => Pvc.NodeService.Ceph.CephKeyringFile.ReadKey(keyring, "client.libvirt"));
        Assert.Equal(("CephKeyringInvalid", Pvc.Core.Errors.PvcErrorKind.InvalidData), (e.ErrorId, e.Kind));
        var admin = Convert.ToBase64String(Pvc.NodeService.Ceph.CephKeyringFile.ReadKey(keyring, "client.admin"));
        Assert.DoesNotContain(admin, e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Defines a tick guest (stopped) as PVC's own define writes it. Not through Core's define: it keeps PVC's rule that
    /// a VM has fewer vCPUs than its node's CPUs minus 2, which no VM passes on a 2-CPU machine like this one.
    /// </summary>
    private async Task<VmRef> DefineAsync(Guid uuid, string name, string node)
    {
        await PvcSeed.AddVmAsync(lab.Cluster.Connection.ZooKeeper, name, node, state: "stop", uuid: uuid, xml: TickGuest.Xml(uuid, name, lab.GuestImage));
        return new VmRef(uuid, name);
    }

    /// <summary>Reads the guest's counter until it has reached <paramref name="ticks"/>; returns the value read.</summary>
    private async Task<ulong> WaitForTicksAsync(LibvirtConnection host, Guid uuid, int ticks)
    {
        using var domain = host.LookupDomain(uuid);
        return await PollAsync(() => TickGuest.ReadCounter(domain.PeekPhysicalMemory(TickGuest.CounterAddress, 8)) is var n && n >= (ulong)ticks ? n : (ulong?)null,
            $"the guest to count {ticks} ticks");
    }

    /// <summary>
    /// Looks at a condition every 50 ms until it gives a value, within the deadline: libvirt's and the guest's state
    /// have no ZooKeeper watch to wait on.
    /// </summary>
    private async Task<T> PollAsync<T>(Func<T?> probe, string what) where T : struct
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (probe() is { } value)
                return value;
            if (deadline.Elapsed > Wait)
                throw new TimeoutException($"waiting for {what}\n{lab.Logs()}");
            await Task.Delay(50);
        }
    }
}
