using System.Diagnostics;
using System.Globalization;
using Pvc.NodeService.Tests.Nemesis;

namespace Pvc.Bench;

/// <summary>
/// The nemesis soak (issue 13): random seeds, one schedule after another (a minute of faults each, then the heal),
/// for the given number of minutes; prints for bench/RESULTS.md every schedule run, the faults applied by kind, the
/// client operations by outcome, the lifecycle events checked and every violation with the seed that replays it.
/// </summary>
internal static class NemesisBenchmark
{
    /// <summary>Faults per schedule, as the test's fixed seeds.</summary>
    private static readonly TimeSpan Length = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(int minutes)
    {
        var soak = TimeSpan.FromMinutes(minutes);
        var clock = Stopwatch.StartNew();
        var started = DateTime.UtcNow;
        var results = new List<NemesisResult>();
        // a new schedule starts while time is left; the one under way at the end runs to its end
        while (clock.Elapsed < soak)
        {
            var seed = Random.Shared.Next(1_000_000);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"nemesis: schedule {results.Count + 1}, seed {seed}, at {clock.Elapsed.TotalMinutes:0.0} of {minutes} min"));
            var result = await NemesisRunner.RunAsync(seed, Length);
            results.Add(result);
            Console.Error.WriteLine(result.Summary());
        }
        Print(results, minutes, started, clock.Elapsed);
        // printed first, so that the record is complete; then the bench fails, as for a benchmark that threw
        if (results.Any(r => r.Violations.Count > 0))
            throw new InvalidOperationException($"violations in the schedules of seeds {string.Join(", ", results.Where(r => r.Violations.Count > 0).Select(r => r.Schedule.Seed))}");
    }

    private static void Print(List<NemesisResult> results, int minutes, DateTime started, TimeSpan took)
    {
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        var failed = results.Where(r => r.Violations.Count > 0).ToList();
        Console.WriteLine();
        Console.WriteLine("## Nemesis soak: randomized faults (issue 13)");
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"`./build.sh bench -p:BenchArgs=\"nemesis {minutes}\"`, {started:yyyy-MM-dd HH:mm} UTC, {took.TotalMinutes:0.0} min, load average {load} at the end ({Environment.ProcessorCount} cores): "
             + $"{results.Count} schedule(s) of {Length.TotalSeconds:0} s of faults, {results.Sum(r => r.Applied.Values.Sum())} faults applied, "
            + $"{results.Sum(r => r.EventsChecked)} lifecycle events checked, {results.Sum(r => r.Violations.Count)} violations."));
        Console.WriteLine();
        Console.WriteLine("| fault | applied | skipped (moment never came) |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var kind in Enum.GetValues<FaultKind>())
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {kind} | {results.Sum(r => r.Applied.GetValueOrDefault(kind))} | {results.Sum(r => r.Skipped.GetValueOrDefault(kind))} |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Client operations: {string.Join(", ", Enum.GetValues<OpOutcome>().Select(o => $"{o} {results.Sum(r => r.Ops.GetValueOrDefault(o))}"))}. "
            + $"Invariant checks: {results.Sum(r => r.EventsChecked)} lifecycle events (each checked against every host), {results.Sum(r => r.Resyncs)} hypervisor listings, "
            + $"{results.Sum(r => r.AgreementChecks)} final-agreement checks while settling."));
        Console.WriteLine();
        Console.WriteLine("| seed | profile | faults applied | client ops | events checked | settled after the heal | violations |");
        Console.WriteLine("|---:|---|---|---|---:|---:|---:|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Schedule.Seed} | {r.Schedule.Profile} | {string.Join(", ", r.Applied.OrderBy(a => a.Key).Select(a => $"{a.Key} {a.Value}"))} | "
                + $"{string.Join(", ", r.Ops.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}"))} | {r.EventsChecked} | {(r.Settled ? $"{r.HealTime.TotalSeconds:0} s" : "not settled")} | {r.Violations.Count} |"));
        }
        if (failed.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Violations (replay with `PVC_NEMESIS_SEED=<seed> PVC_NEMESIS_SECONDS=60 dotnet test tests/Pvc.NodeService.Tests -c Release --filter FullyQualifiedName~Nemesis`):");
            Console.WriteLine();
            foreach (var r in failed)
            {
                foreach (var violation in r.Violations)
                    Console.WriteLine($"- seed {r.Schedule.Seed}: {violation}");
                Console.WriteLine($"  (log: {r.LogPath})");
            }
        }
    }
}
