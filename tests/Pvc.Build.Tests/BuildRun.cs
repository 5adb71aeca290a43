using System.Diagnostics;
using Pvc.Testing;

namespace Pvc.Build.Tests;

/// <summary>One run of a target of build/Pvc.Build.proj, as build.sh runs it: its exit status and what it printed.</summary>
internal sealed record BuildRun(int ExitCode, string Output)
{
    /// <summary>Runs <c>dotnet msbuild build/Pvc.Build.proj -t:<paramref name="target"/></c> with the given properties.</summary>
    public static BuildRun Of(string target, params (string Name, string Value)[] properties)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            ArgumentList = { "msbuild", Path.Combine(RepositoryRoot.Path, "build", "Pvc.Build.proj"), "-nologo", "-v:m", "-tl:off", "-nodeReuse:false", $"-t:{target}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in properties)
            start.ArgumentList.Add($"-p:{name}={value}");
        // the test itself runs under MSBuild (./build.sh test): its variables would point the inner build at the outer one's
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(180_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"msbuild -t:{target} did not finish in 180 s:\n{stdout.Result}{stderr.Result}");
        }
        return new BuildRun(process.ExitCode, stdout.Result + stderr.Result);
    }
}
