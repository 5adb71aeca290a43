using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Pvc.NodeService.Networks;

/// <summary>
/// Runs a piece of work with its sockets made in a named network namespace (<c>ip netns</c>'s <c>/run/netns/&lt;name&gt;</c>):
/// on a thread of its own that enters the namespace with <c>setns(2)</c> and returns before it ends, so that no
/// other work of the process runs there. A socket keeps the namespace it was made in; how the tests' lab nodes (a
/// namespace each) get the metadata API's listener in their own namespace. Without a namespace the work runs as it is.
/// </summary>
internal static partial class NetworkNamespace
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>Runs <paramref name="work"/> in <paramref name="netns"/> (or here, when null) and returns its result.</summary>
    /// <exception cref="IOException">The namespace could not be entered.</exception>
    public static T Run<T>(string? netns, Func<T> work)
    {
        if (netns is null)
            return work();
        T result = default!;
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var home = File.OpenHandle("/proc/thread-self/ns/net");
                using var target = File.OpenHandle(Path.Combine("/run/netns", netns));
                Enter(target, netns);
                try
                {
                    result = work();
                }
                finally
                {
                    Enter(home, "of the process");
                }
            }
            catch (Exception e)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
        }) { IsBackground = true, Name = "netns" };
        thread.Start();
        thread.Join();
        error?.Throw();
        return result;
    }

    private static void Enter(Microsoft.Win32.SafeHandles.SafeFileHandle handle, string name)
    {
        if (setns((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
            throw new IOException($"Cannot enter the network namespace {name}: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);
}
