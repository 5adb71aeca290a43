using Pvc.Testing.Lab;

namespace Pvc.NodeService.Tests.Libvirt;

/// <summary>
/// The lab's libvirtd host as the fencing tests' watchers see it from their own threads: a host that is disposed (the
/// lab's end) or between the two processes of a restart reads as not running. Reading it threw "No process is
/// associated with this object" from <see cref="System.Diagnostics.Process.HasExited"/>, and SingleRunInvariant's
/// thread, which polls it ten times a second, crashed the test host and aborted the whole FencingTests run (rev15).
/// </summary>
public sealed class TestDriverDaemonTests
{
    [Fact]
    public async Task A_disposed_host_reads_as_not_running_instead_of_throwing()
    {
        var directory = Directory.CreateTempSubdirectory("pvc-daemon-").FullName;
        try
        {
            var host = await TestDriverDaemon.StartAsync(directory);
            Assert.True(host.IsRunning);
            host.Dispose();
            Assert.False(host.IsRunning);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
