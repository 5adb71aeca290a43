using System.Diagnostics;
using Pvc.Testing.Pvc;
using Pvc.NodeService.Daemon;
using Pvc.NodeService.Libvirt;
using Pvc.NodeService.Tests.Libvirt;

namespace Pvc.NodeService.Tests.Daemon;

/// <summary>
/// A graceful shutdown waits on libvirt's stop event (the node service polled every 250 ms before), on the real test
/// driver: the wait ends when the domain stops, not at the next re-read, and gives up at its timeout.
/// </summary>
[Collection(LibvirtEventsCollection.Name)]
public sealed class HypervisorStopWaitTests : IDisposable
{
    private static readonly TimeSpan NoRecheck = TimeSpan.FromHours(1);
    private readonly TestDriverHost host = new();
    private readonly Hypervisor hypervisor;

    public HypervisorStopWaitTests() =>
        hypervisor = new Hypervisor(host.Uri, new DomainXmlAdapter(new DomainXmlAdapterOptions { DomainTypeOverride = "test" }));

    public void Dispose()
    {
        hypervisor.Dispose();
        host.Dispose();
    }

    [Fact]
    public async Task The_wait_ends_on_the_stop_event_not_on_a_re_read()
    {
        var uuid = Guid.NewGuid();
        hypervisor.Start(PvcSeed.Xml(uuid, "stopwait1"));
        Assert.True(hypervisor.IsRunning(uuid));

        var took = Stopwatch.StartNew();
        // re-reads an hour apart: only the event can end this wait within the test's limit
        var wait = hypervisor.WaitStoppedAsync(uuid, TimeSpan.FromMinutes(5), NoRecheck, CancellationToken.None);
        Assert.False(wait.IsCompleted);
        hypervisor.Destroy(uuid);
        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(hypervisor.IsRunning(uuid));
        Assert.True(took.Elapsed < TimeSpan.FromSeconds(10), $"took {took.Elapsed}");
    }

    [Fact]
    public async Task A_domain_that_keeps_running_times_out_and_one_already_stopped_does_not_wait()
    {
        var uuid = Guid.NewGuid();
        hypervisor.Start(PvcSeed.Xml(uuid, "stopwait2"));
        // another domain's stop is not this one's
        var other = Guid.NewGuid();
        hypervisor.Start(PvcSeed.Xml(other, "stopwait3"));
        var wait = hypervisor.WaitStoppedAsync(uuid, TimeSpan.FromMilliseconds(800), NoRecheck, CancellationToken.None);
        hypervisor.Destroy(other);
        Assert.False(await wait.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(hypervisor.IsRunning(uuid));

        Assert.True(await hypervisor.WaitStoppedAsync(other, TimeSpan.FromMinutes(5), NoRecheck, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)));
        hypervisor.Destroy(uuid);
    }
}
