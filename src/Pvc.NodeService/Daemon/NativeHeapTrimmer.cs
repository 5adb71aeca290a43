using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace Pvc.NodeService.Daemon;

/// <summary>
/// Hands the C heap's free pages back to the system now and then (glibc's <c>malloc_trim</c>). The JIT compiles
/// most of the service at start-up and libvirt allocates while VMs start; both free that memory afterwards, but
/// glibc keeps freed pages mapped for reuse, and on an idle hypervisor they would stay resident for good (about
/// 5 MB of the service's 80 MB budget). A trim costs well under a millisecond; idle is when it pays.
/// </summary>
internal sealed partial class NativeHeapTrimmer : BackgroundService
{
    /// <summary>The first trim comes once start-up has settled, the next ones at this period.</summary>
    internal static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        while (await timer.WaitForNextTickAsync(stoppingToken).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default))
        {
            if (!TryTrim())
                return;
        }
    }

    /// <summary>Trims once; false where the C library has no malloc_trim (not glibc), which is then left alone.</summary>
    internal static bool TryTrim()
    {
        try
        {
            MallocTrim(0);
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
