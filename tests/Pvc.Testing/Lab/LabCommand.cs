using System.Diagnostics;

namespace Pvc.Testing.Lab;

/// <summary>Runs the system tools the lab is built with (ip, virsh, kill), each to its end within a time limit.</summary>
public static class LabCommand
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs a tool; returns its standard output, or throws with its error output when it fails.</summary>
    public static string Run(string file, params string[] args)
    {
        var (code, output, error) = TryRun(file, args, DefaultTimeout);
        return code == 0 ? output : throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' failed ({code}): {error.Trim()}");
    }

    /// <summary>Runs a tool and returns its exit code and outputs; -1 when it did not end within the time limit (it is killed).</summary>
    public static (int ExitCode, string Output, string Error) TryRun(string file, IReadOnlyList<string> args, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? DefaultTimeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, output.Result, $"timed out after {(timeout ?? DefaultTimeout).TotalSeconds} s; {error.Result}");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Finds a tool on PATH (the lab's tools live in /usr/sbin, which a test runner's PATH may lack).</summary>
    public static string? Find(string name)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]);
        return dirs.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// True while a process runs <paramref name="program"/> (its first argument's file name) with
    /// <paramref name="argument"/> among its arguments. Unlike <c>pgrep -f</c>, it never counts another tool whose
    /// command line merely names the program (a concurrent pgrep, a shell, ip netns exec before it execs).
    /// </summary>
    public static bool Runs(string program, string argument)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid))
                continue;
            string[] argv;
            try
            {
                argv = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // ended meanwhile
            }
            if (argv.Length > 0 && Path.GetFileName(argv[0]) == program && argv.Skip(1).Contains(argument) && IsAlive(pid))
                return true;
        }
        return false;
    }

    /// <summary>Sends a signal to a process by PID; false when it does not exist any more.</summary>
    public static bool Signal(int pid, string signal) => TryRun("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ExitCode == 0;

    /// <summary>True while a process with this PID runs (a zombie does not: QEMU is not our child, and nobody may reap it).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault();
            return state is not ('Z' or 'X' or default(char));
        }
        catch (IOException)
        {
            return false;
        }
    }
}
