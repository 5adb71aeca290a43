using System.Diagnostics;
using System.Globalization;
using Pvc.NodeService.Networks;

namespace Pvc.NodeService.Tests.Networks;

/// <summary>The pidfd the primary signals its dnsmasq by: on real processes (sleep, which SIGHUP ends, as it ends a dnsmasq that has not installed its handlers yet).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ChildProcessHandleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pvc-pidfd-").FullName;
    private readonly List<Process> _started = [];

    private Process Start(string script)
    {
        var process = Process.Start(new ProcessStartInfo("sh", ["-c", script]) { RedirectStandardOutput = true })!;
        _started.Add(process);
        return process;
    }

    private static string State(int pid) => File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat").Split(") ")[1][..1];

    [Fact]
    public void SIGHUP_goes_only_to_a_process_whose_pid_file_holds_its_PID()
    {
        // before, the primary sent SIGHUP as soon as it held the pidfd: to a dnsmasq still starting, that ends it
        var child = Start("exec sleep 60");
        using var handle = ChildProcessHandle.Open(child.Id);
        Assert.NotNull(handle);
        var pidFile = Path.Combine(_dir, "dnsmasq-100.pid");

        Assert.False(handle.HangupOnceStarted(pidFile)); // not written yet
        File.WriteAllText(pidFile, $"{(child.Id + 1).ToString(CultureInfo.InvariantCulture)}\n");
        Assert.False(handle.HangupOnceStarted(pidFile)); // another's (a dnsmasq before it)
        Assert.False(child.WaitForExit(TimeSpan.FromSeconds(1)), "The process was sent SIGHUP before it wrote its pid file");

        File.WriteAllText(pidFile, $"{child.Id.ToString(CultureInfo.InvariantCulture)}\n");
        Assert.True(handle.HangupOnceStarted(pidFile));
        Assert.True(child.WaitForExit(TimeSpan.FromSeconds(10)), "The process was not sent SIGHUP");
        Assert.False(handle.HangupOnceStarted(pidFile)); // ended
    }

    [Fact]
    public void Open_gives_no_handle_on_a_process_that_has_ended_or_is_not_this_processs_child()
    {
        // a zombie (ended, not reaped: its parent, sleep, never waits; it ends after the shell became sleep, which a
        // shell would reap) and a running grandchild
        var parent = Start("sleep 1 & echo $!; exec sleep 60");
        var zombie = int.Parse(parent.StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);
        var grandchild = int.Parse(Start("sleep 60 & echo $!; wait").StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);
        var deadline = Stopwatch.StartNew();
        while (State(zombie) != "Z")
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "sleep 1 did not end");
            Thread.Sleep(20);
        }
        Assert.Null(ChildProcessHandle.Open(zombie));
        Assert.Null(ChildProcessHandle.Open(grandchild));
        using var running = ChildProcessHandle.Open(parent.Id); // this process's child, running
        Assert.NotNull(running);
        Assert.Equal(parent.Id, running.Pid);
    }

    public void Dispose()
    {
        foreach (var process in _started)
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            process.Dispose();
        }
        Directory.Delete(_dir, recursive: true);
    }
}
