using System.Globalization;
using System.Text;
using Pvc.NodeService.Libvirt;

namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>What one run did and found: faults applied (and skipped, when their moment never came), client operations
/// by outcome, lifecycle events checked, and every violation.</summary>
internal sealed class NemesisResult(NemesisSchedule schedule, string directory, string logPath)
{
    private readonly Lock _lock = new();

    /// <summary>The schedule run.</summary>
    public NemesisSchedule Schedule { get; } = schedule;

    /// <summary>The run's folder (node logs, libvirtd and BMC files, the nemesis log).</summary>
    public string Directory { get; } = directory;

    /// <summary>The nemesis log.</summary>
    public string LogPath { get; } = logPath;

    /// <summary>Faults applied, by kind.</summary>
    public Dictionary<FaultKind, int> Applied { get; } = [];

    /// <summary>Faults not applied, by kind (nothing to restart, no migration reached the moment, ...).</summary>
    public Dictionary<FaultKind, int> Skipped { get; } = [];

    /// <summary>Client operations by outcome.</summary>
    public Dictionary<OpOutcome, int> Ops { get; } = [];

    /// <summary>Lifecycle events the checker applied and checked.</summary>
    public long EventsChecked { get; set; }

    /// <summary>Hypervisor listings the checker resynchronised from (first attach, boots, libvirtd restarts).</summary>
    public long Resyncs { get; set; }

    /// <summary>Checks of the final agreement made while waiting for the cluster to settle.</summary>
    public int AgreementChecks { get; set; }

    /// <summary>Every violation, one line each.</summary>
    public List<string> Violations { get; } = [];

    /// <summary>From the heal to agreement (or the deadline).</summary>
    public TimeSpan HealTime { get; set; }

    /// <summary>True when the cluster reached agreement after the heal.</summary>
    public bool Settled { get; set; }

    /// <summary>The whole run, set-up included.</summary>
    public TimeSpan Total { get; set; }

    /// <summary>Counts a fault applied or skipped.</summary>
    public void Count(FaultKind kind, bool applied)
    {
        lock (_lock)
        {
            var counts = applied ? Applied : Skipped;
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
        }
    }

    /// <summary>Counts a client operation's outcome.</summary>
    public void Count(OpOutcome outcome)
    {
        lock (_lock)
            Ops[outcome] = Ops.GetValueOrDefault(outcome) + 1;
    }

    /// <summary>A few lines for a test's output or the bench's progress.</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"seed {Schedule.Seed} ({Schedule.Profile}): {Total.TotalSeconds:0} s, {(Settled ? "settled" : "not settled")} {HealTime.TotalSeconds:0} s after the heal; ");
        text.Append(CultureInfo.InvariantCulture, $"faults applied {string.Join(", ", Applied.OrderBy(a => a.Key).Select(a => $"{a.Key} {a.Value}"))}");
        if (Skipped.Count > 0)
            text.Append(CultureInfo.InvariantCulture, $" (skipped {string.Join(", ", Skipped.OrderBy(a => a.Key).Select(a => $"{a.Key} {a.Value}"))})");
        text.Append(CultureInfo.InvariantCulture, $"; client ops {string.Join(", ", Ops.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}"))}");
        text.Append(CultureInfo.InvariantCulture, $"; {EventsChecked} events checked, {Resyncs} resyncs, {AgreementChecks} agreement checks; {Violations.Count} violations");
        foreach (var violation in Violations)
            text.Append("\n  VIOLATION ").Append(violation);
        text.Append(CultureInfo.InvariantCulture, $"\n  log: {LogPath}");
        return text.ToString();
    }
}
