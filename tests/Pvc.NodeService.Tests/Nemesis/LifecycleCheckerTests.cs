using Pvc.NodeService.Libvirt;
using Pvc.Testing.Lab;
using Pvc.Testing.Pvc;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>
/// The nemesis's checker on its own, against two real libvirtd test-driver hosts and no cluster: it must see a VM
/// run on two hosts (and confirm it by looking), must not see one in a stop-then-start move, and must count a
/// host's VMs as running across a libvirtd restart but not once the host died or lost its power.
/// </summary>
public sealed class LifecycleCheckerTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("pvc-checker-").FullName;
    private readonly Guid _vm = Guid.NewGuid();
    private TestDriverDaemon? _a;
    private TestDriverDaemon? _b;
    private NemesisLog? _log;
    private LifecycleChecker? _checker;
    private int _cutsOfA;

    private TestDriverDaemon A => _a!;
    private TestDriverDaemon B => _b!;
    private LifecycleChecker Checker => _checker!;

    public async Task InitializeAsync()
    {
        _a = await TestDriverDaemon.StartAsync(Path.Combine(_directory, "a"));
        _b = await TestDriverDaemon.StartAsync(Path.Combine(_directory, "b"));
        _log = new NemesisLog(Path.Combine(_directory, "checker.log"));
        _checker = new LifecycleChecker([("a", () => _cutsOfA), ("b", () => 0)], new Dictionary<Guid, string> { [_vm] = "t1" }, _log);
        await Task.Run(() => Checker.Attach("a", A.Uri));
        await Task.Run(() => Checker.Attach("b", B.Uri));
    }

    public Task DisposeAsync()
    {
        _checker?.Dispose();
        _log?.Dispose();
        _a?.Dispose();
        _b?.Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_VM_started_on_a_second_host_while_it_runs_on_the_first_is_an_overlap_confirmed_by_a_direct_look()
    {
        Start(A);
        await WaitRunningOnAsync("a");
        Start(B);

        await WaitAsync(() => Checker.Overlaps.Count == 1, "the overlap");
        await Checker.DrainProbesAsync();
        var overlap = Checker.Overlaps.Single();
        Assert.Equal(["a", "b"], overlap.Hosts);
        Assert.True(overlap.Confirmed, overlap.ToString());
        Assert.Null(overlap.Ended);

        Destroy(A);
        await WaitAsync(() => Checker.Overlaps.Single().Ended is not null, "the overlap's end");
        Assert.Equal(["b"], Checker.Running()[_vm]);
    }

    [Fact]
    public async Task A_VM_stopped_on_one_host_and_then_started_on_another_is_no_overlap()
    {
        Start(A);
        await WaitRunningOnAsync("a");
        Destroy(A);
        Start(B);

        await WaitRunningOnAsync("b");
        Assert.Empty(Checker.Overlaps);
        Assert.True(Checker.EventsChecked >= 3, $"{Checker.EventsChecked} events checked");
    }

    [Fact]
    public async Task A_VM_kept_across_a_libvirtd_restart_still_runs_there_for_the_invariant()
    {
        Start(A);
        await WaitRunningOnAsync("a");
        // libvirtd restarting: its QEMU processes, and so its VMs, live on
        Checker.Detach("a", vmsDied: false);
        Start(B);

        await WaitAsync(() => Checker.Overlaps.Count == 1, "the overlap with the restarting host");
        await Checker.DrainProbesAsync();
        Assert.False(Checker.Overlaps.Single().Confirmed); // the restarting host cannot be looked at
    }

    [Fact]
    public async Task A_host_that_died_or_lost_its_power_runs_nothing()
    {
        Start(A);
        await WaitRunningOnAsync("a");
        Checker.Detach("a", vmsDied: false);
        _cutsOfA++; // its BMC cut the power during the restart
        Start(B);
        await WaitRunningOnAsync("b");

        await Task.Run(() => Checker.Attach("a", A.Uri)); // the domain still runs on a's daemon: the listing says so
        await WaitAsync(() => Checker.Overlaps.Count == 1, "the overlap the listing shows");
        Checker.Detach("a", vmsDied: true);
        await WaitAsync(() => Checker.Overlaps.Single().Ended is not null, "the dead host's VMs gone");
        Assert.Equal(["b"], Checker.Running()[_vm]);
    }

    private void Start(TestDriverDaemon host)
    {
        using var connection = LibvirtConnection.Open(host.Uri);
        connection.CreateDomain(PvcSeed.Xml(_vm, "t1", memoryMiB: 128, vcpus: 1)).Dispose();
    }

    private void Destroy(TestDriverDaemon host)
    {
        using var connection = LibvirtConnection.Open(host.Uri);
        using var domain = connection.LookupDomain(_vm);
        domain.Destroy();
    }

    private Task WaitRunningOnAsync(string host) =>
        WaitAsync(() => Checker.Running().TryGetValue(_vm, out var hosts) && hosts.SequenceEqual([host]), $"t1 running on {host} alone");

    /// <summary>Waits, event by event, until the condition holds.</summary>
    private async Task WaitAsync(Func<bool> done, string what)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            var next = Checker.NextChangeAsync();
            if (done())
                return;
            try
            {
                // a direct look's result lands without an event: look again after a moment too
                await Task.WhenAny(next, Task.Delay(100, deadline.Token));
                deadline.Token.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"waiting for {what}; the checker's log:\n{string.Join('\n', _log!.Lines)}");
            }
        }
    }
}
