using System.Diagnostics;
using Pvc.Testing;
using Pvc.Testing.PowerShell;

namespace Pvc.Build.Tests;

/// <summary>build.ps1, run by real pwsh, hands MSBuild switches on to the build as build.sh does.</summary>
public sealed class BuildScriptTests
{
    [Theory]
    [InlineData(false)] // pwsh -File build.ps1 ...: pwsh splits "-p:A=B" into "-p" and "A=B"
    [InlineData(true)]  // & ./build.ps1 ... from a script: "-p:" and "A=B"
    public async Task A_property_switch_reaches_the_build(bool fromScript)
    {
        var script = Path.Combine(RepositoryRoot.Path, "build.ps1");
        var start = new ProcessStartInfo(PwshTool.Path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-NoLogo", "-NoProfile", "-NonInteractive" })
            start.ArgumentList.Add(a);
        if (fromScript)
        {
            start.ArgumentList.Add("-Command");
            start.ArgumentList.Add($"& '{script}' test -p:Pester=maybe; exit $LASTEXITCODE");
        }
        else
        {
            foreach (var a in new[] { "-File", script, "test", "-p:Pester=maybe" })
                start.ArgumentList.Add(a);
        }
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(180_000), "build.ps1 did not finish in 180 s");
        var printed = await output + await errors;

        // the build's own property check answered: the switch got through, and its refusal is the exit status
        Assert.Contains("-p:Pester must be true or false, not 'maybe'", printed, StringComparison.Ordinal);
        Assert.NotEqual(0, process.ExitCode);
    }

    [Fact]
    public async Task An_unknown_task_is_refused_with_the_usage()
    {
        var start = new ProcessStartInfo(PwshTool.Path)
        {
            ArgumentList = { "-NoLogo", "-NoProfile", "-NonInteractive", "-File", Path.Combine(RepositoryRoot.Path, "build.ps1"), "tset" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "build.ps1 did not finish in 60 s");

        Assert.Contains("usage: ./build.ps1 deps|build|test|sandbox|bench", await errors, StringComparison.Ordinal);
        Assert.Equal(2, process.ExitCode);
    }
}
