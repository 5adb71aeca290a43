using CliWrap;
using CliWrap.Buffered;

namespace Pvc.NodeService.Health;

/// <summary>What a host command a health plugin ran printed, and how it ended.</summary>
/// <param name="ExitCode">Its exit code; -1 when it could not be started or did not finish in time.</param>
/// <param name="Output">Its standard output.</param>
/// <param name="Error">Its standard error, or why it could not be run.</param>
internal sealed record HostCommand(int ExitCode, string Output, string Error)
{
    /// <summary>True when it ran and exited 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>
    /// Runs a program with each argument its own argv entry (no shell), within <paramref name="timeout"/>; a program
    /// that is missing or does not finish is an outcome (exit -1), not an exception. The service stopping cancels it.
    /// </summary>
    public static async Task<HostCommand> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var command = Cli.Wrap(program).WithArguments(arguments).WithValidation(CommandResultValidation.None);
        if (environment is not null)
            command = command.WithEnvironmentVariables(environment);
        var busyWait = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                var result = await command.ExecuteBufferedAsync(deadline.Token);
                return new HostCommand(result.ExitCode, result.StandardOutput, result.StandardError);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new HostCommand(-1, "", $"{program} did not finish within {timeout.TotalSeconds:0.#} s");
            }
            catch (System.ComponentModel.Win32Exception e) when (Cause(e).NativeErrorCode == TextFileBusy)
            {
                // a program still open for writing somewhere (a plugin being installed as it is due, or a child forked
                // by another thread of this service before its copy of a writer's descriptor closed on exec) cannot
                // be executed yet; it can be once the writer closes it, so try again until the deadline
                BusyRetriesByProgram.AddOrUpdate(program, 1, (_, n) => n + 1);
                try
                {
                    await Task.Delay(busyWait, deadline.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return new HostCommand(-1, "", $"{program} could not be run within {timeout.TotalSeconds:0.#} s: {Cause(e).Message}");
                }
                busyWait = TimeSpan.FromMilliseconds(Math.Min(500, busyWait.TotalMilliseconds * 2));
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return new HostCommand(-1, "", $"{program} could not be run: {Cause(e).Message}");
            }
        }
    }

    /// <summary>The operating system's error under CliWrap's own (which says only that the start failed).</summary>
    private static System.ComponentModel.Win32Exception Cause(System.ComponentModel.Win32Exception e) =>
        e.InnerException is System.ComponentModel.Win32Exception inner ? Cause(inner) : e;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> BusyRetriesByProgram = new(StringComparer.Ordinal);

    /// <summary>How many starts of <paramref name="program"/> this process has put off because it was open for writing (ETXTBSY).</summary>
    internal static long BusyRetries(string program) => BusyRetriesByProgram.TryGetValue(program, out var n) ? n : 0;

    /// <summary>ETXTBSY: exec of a file that is open for writing.</summary>
    private const int TextFileBusy = 26;

    /// <summary>True when <paramref name="program"/> (a path, or a name looked up in PATH) can be run.</summary>
    public static bool Exists(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
            return File.Exists(program);
        return (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(d => File.Exists(Path.Combine(d, program)));
    }
}
