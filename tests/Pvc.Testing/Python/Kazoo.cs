using System.Diagnostics;

namespace Pvc.Testing.Python;

/// <summary>
/// Runs a Python script with Debian's python3-kazoo (<c>/usr/bin/python3</c>: the python3 first on
/// PATH may be another interpreter that cannot see Debian's packages), as an independent ZooKeeper
/// client to cross-check ours.
/// </summary>
public sealed class Kazoo : IAsyncDisposable
{
    /// <summary>Debian's interpreter, which sees python3-kazoo.</summary>
    public const string Python = "/usr/bin/python3";

    private readonly Process _process;

    private Kazoo(Process process) => _process = process;

    /// <summary>Runs a script to its end and returns its standard output; throws with its error output when it fails.</summary>
    public static async Task<string> RunAsync(string script, TimeSpan? timeout = null, params string[] args)
    {
        await using var kazoo = Start(script, args);
        kazoo._process.StandardInput.Close();
        return await kazoo.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>Starts a script that talks with the test over standard input and output, line by line.</summary>
    public static Kazoo Start(string script, params string[] args)
    {
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-u");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        return new Kazoo(Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {Python}."));
    }

    /// <summary>Reads the script's next output line (null at its end), waiting at most <paramref name="timeout"/>.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        try
        {
            return await _process.StandardOutput.ReadLineAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The kazoo script said nothing for {timeout.TotalSeconds} s; its errors: {await ErrorsAsync()}");
        }
    }

    /// <summary>Sends a line to the script.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the end of the script and returns the rest of its output; throws when it failed.</summary>
    public async Task<string> WaitAsync(TimeSpan timeout)
    {
        var output = _process.StandardOutput.ReadToEndAsync();
        var errors = _process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        if (_process.ExitCode != 0)
            throw new InvalidOperationException($"The kazoo script failed ({_process.ExitCode}): {await errors}");
        return await output;
    }

    private async Task<string> ErrorsAsync()
    {
        if (!_process.HasExited)
            return "(still running)";
        return await _process.StandardError.ReadToEndAsync();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
