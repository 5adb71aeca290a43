namespace Pvc.NodeService.Libvirt;

/// <summary>
/// libvirt's default event loop, registered once per process before the first connection opens and run by one
/// background thread for the life of the process. It delivers domain events
/// (<see cref="LibvirtConnection.SubscribeLifecycleEvents"/>) and lets remote connections answer the daemon's
/// keepalive probes while idle.
/// </summary>
internal static class LibvirtEventLoop
{
    private static Thread? thread;

    /// <summary>Registers the default implementation and starts its thread. Called once, under the initialization lock.</summary>
    public static void Start()
    {
        if (thread is not null)
            return;
        if (LibvirtNative.virEventRegisterDefaultImpl() < 0)
            LibvirtErrors.Throw("virEventRegisterDefaultImpl");
        thread = new Thread(Run) { IsBackground = true, Name = "libvirt event loop" };
        thread.Start();
    }

    private static void Run()
    {
        while (true)
        {
            if (LibvirtNative.virEventRunDefaultImpl() < 0)
            {
                // Only a failing poll() gets here; do not spin on it.
                System.Diagnostics.Trace.TraceWarning($"libvirt: {LibvirtErrors.Create("virEventRunDefaultImpl").Message}");
                Thread.Sleep(100);
            }
        }
    }
}
