using Pvc.NodeService.Daemon;

namespace Pvc.NodeService.Tests.Daemon;

public sealed class NativeHeapTrimmerTests
{
    [Fact]
    public void Trims_the_glibc_heap_here()
    {
        // Debian's C library is glibc: the trim must reach malloc_trim, not fall back to doing nothing
        Assert.True(NativeHeapTrimmer.TryTrim());
        Assert.True(NativeHeapTrimmer.TryTrim());
    }
}
