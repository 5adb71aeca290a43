using System.Diagnostics;
using Pvc.Testing.PowerShell;

namespace Pvc.Build.Tests;

/// <summary>
/// `./build.sh test` ends with the Summarize target of build/Pvc.Build.proj: whatever it prints, scripts and CI trust
/// its exit status. These tests run that target over results folders made from real runner output.
/// </summary>
public sealed class BuildExitStatusTests : IDisposable
{
    private readonly DirectoryInfo _results = Directory.CreateTempSubdirectory("pvc-build-results-");

    private static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "Results", name);

    private BuildRun Summarize() => BuildRun.Of("Summarize", ("TestResults", _results.FullName));

    [Fact]
    public void One_failed_test_makes_the_build_fail_with_the_summary_line()
    {
        File.Copy(Sample("one-failed.trx"), Path.Combine(_results.FullName, "a.trx"));
        File.Copy(Sample("all-passed.trx"), Path.Combine(_results.FullName, "b.trx"));

        var run = Summarize();

        Assert.Contains("Tests: 2 passed, 1 failed, 2 skipped", run.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, run.ExitCode);
        // CI shows the log's tail only: the failed test is named there, with its message, before the totals
        var failedAt = run.Output.IndexOf("Failed: Sample.Fails", StringComparison.Ordinal);
        Assert.True(failedAt >= 0, run.Output);
        Assert.Contains("Assert.Equal() Failure: Values differ", run.Output[failedAt..], StringComparison.Ordinal);
        Assert.True(failedAt < run.Output.IndexOf("Tests: 2 passed", StringComparison.Ordinal), run.Output);
        Assert.DoesNotContain("skipped on purpose", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void No_test_run_makes_the_build_fail()
    {
        var run = Summarize();

        Assert.Contains("Tests: 0 passed, 0 failed, 0 skipped", run.Output, StringComparison.Ordinal);
        Assert.Contains("No test ran", run.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, run.ExitCode);
    }

    [Fact]
    public void Passed_and_skipped_tests_only_make_the_build_succeed()
    {
        File.Copy(Sample("all-passed.trx"), Path.Combine(_results.FullName, "b.trx"));

        var run = Summarize();

        Assert.Contains("Tests: 1 passed, 0 failed, 1 skipped", run.Output, StringComparison.Ordinal);
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public void A_runner_that_failed_fails_the_build_even_when_its_results_look_green()
    {
        // a hang killed by --blame-hang-timeout, or a Pester container that failed before its tests, leaves no failed test
        File.Copy(Sample("all-passed.trx"), Path.Combine(_results.FullName, "b.trx"));
        File.WriteAllLines(Path.Combine(_results.FullName, "runners.txt"), ["xunit 0", "pester 1"]);

        var run = Summarize();

        Assert.Contains("A test runner failed: pester exited with 1", run.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, run.ExitCode);
    }

    [Fact]
    public void Pester_results_from_real_pwsh_count_in_the_one_summary_line_and_a_failed_It_fails_the_build()
    {
        var tests = Path.Combine(_results.FullName, "Sample.Tests.ps1");
        File.WriteAllText(tests, """
            Describe 'sample' {
                It 'passes' { 1 | Should -Be 1 }
                It 'fails' { 1 | Should -Be 2 }
                It 'is skipped' -Skip { }
            }
            """);
        var xml = Path.Combine(_results.FullName, "pester", "pester-results.xml");
        RunPester(tests, xml);
        File.Delete(tests);
        File.Copy(Sample("all-passed.trx"), Path.Combine(_results.FullName, "b.trx"));

        var run = Summarize();

        Assert.Contains("Tests: 2 passed, 1 failed, 2 skipped", run.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Failed (Pester): sample.fails", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_xunit_run_that_ran_nothing_is_not_hidden_by_passing_Pester_tests()
    {
        // `-p:TestFilter=Typo -p:Pester=true`: vstest writes no result and exits 0; Pester passes
        var tests = Path.Combine(_results.FullName, "Sample.Tests.ps1");
        File.WriteAllText(tests, "Describe 'sample' { It 'passes' { 1 | Should -Be 1 } }");
        RunPester(tests, Path.Combine(_results.FullName, "pester", "pester-results.xml"));
        File.Delete(tests);
        File.WriteAllLines(Path.Combine(_results.FullName, "runners.txt"), ["xunit 0", "pester 0"]);

        var run = Summarize();

        Assert.Contains("Tests: 1 passed, 0 failed, 0 skipped", run.Output, StringComparison.Ordinal);
        Assert.Contains("xunit ran no test", run.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, run.ExitCode);
    }

    [Fact]
    public void A_half_written_result_file_fails_the_build_and_the_summary_line_still_prints()
    {
        File.Copy(Sample("all-passed.trx"), Path.Combine(_results.FullName, "b.trx"));
        File.WriteAllText(Path.Combine(_results.FullName, "c.trx"), File.ReadAllText(Sample("one-failed.trx"))[..400]);

        var run = Summarize();

        Assert.Contains("Tests: 1 passed, 0 failed, 1 skipped", run.Output, StringComparison.Ordinal);
        Assert.Contains("c.trx is unreadable", run.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, run.ExitCode);
    }

    [Fact]
    public void An_unknown_benchmark_makes_the_bench_task_fail()
    {
        var run = BuildRun.Of("Bench", ("BenchArgs", "no-such-benchmark"));

        Assert.Contains("no-such-benchmark", run.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, run.ExitCode);
    }

    private void RunPester(string tests, string xml)
    {
        var script = Path.Combine(_results.FullName, "run-pester.ps1");
        File.WriteAllText(script, """
            param($Pester, $Tests, $Xml)
            Import-Module $Pester
            $c = New-PesterConfiguration
            $c.Run.Path = $Tests
            $c.TestResult.Enabled = $true
            $c.TestResult.OutputFormat = 'NUnitXml'
            $c.TestResult.OutputPath = $Xml
            $c.Output.Verbosity = 'None'
            Invoke-Pester -Configuration $c
            """);
        var start = new ProcessStartInfo(PwshTool.Path)
        {
            ArgumentList = { "-NoLogo", "-NoProfile", "-NonInteractive", "-File", script, PwshTool.PesterManifest, tests, xml },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "pwsh did not finish in 120 s");
        File.Delete(script);
        Assert.True(File.Exists(xml), $"Pester wrote no results:\n{output.Result}{errors.Result}");
    }

    /// <inheritdoc />
    public void Dispose() => _results.Delete(recursive: true);
}
