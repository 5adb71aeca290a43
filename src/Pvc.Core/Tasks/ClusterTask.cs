using System.Text.Json.Nodes;
using Pvc.Core.Connection;

namespace Pvc.Core.Tasks;

/// <summary>
/// A cluster task: long work recorded in ZooKeeper (<c>/tasks/items/&lt;id&gt;</c>), routed to one node, run there by
/// exactly one node service's runner, its progress and result or error written back. PVC runs the same work as Celery
/// tasks; this carries what PVC's task API shows (state, <c>{current, total, status}</c>, result) and what Pvc adds
/// (where it runs, who claimed it, why it failed).
/// </summary>
public sealed record ClusterTask
{
    /// <summary>The task's id: 8 lowercase hex digits, as PVC's (the first 8 of a Celery task id).</summary>
    public required string Id { get; init; }

    /// <summary>What it does: one of <see cref="ClusterTaskKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The handler's arguments.</summary>
    public required JsonObject Arguments { get; init; }

    /// <summary>The node it is routed to (the primary when the submitter named none).</summary>
    public required string RunOn { get; init; }

    /// <summary>
    /// True when the submitter routed it to a named node (work on that node: an OSD's disk); such a task is never
    /// handed to another node. A task routed to the primary by default can be.
    /// </summary>
    public bool NodeBound { get; init; }

    /// <summary>Where it is.</summary>
    public ClusterTaskState State { get; init; }

    /// <summary>Its last progress, or null before its handler reported any.</summary>
    public ClusterTaskProgress? Progress { get; init; }

    /// <summary>What its handler returned, once <see cref="ClusterTaskState.Success"/>.</summary>
    public JsonNode? Result { get; init; }

    /// <summary>Why it failed, once <see cref="ClusterTaskState.Failure"/>.</summary>
    public string? Error { get; init; }

    /// <summary>The failure's error id (a handler's PvcException's, or one of Core's task ids), once failed.</summary>
    public string? ErrorId { get; init; }

    /// <summary>The failure's kind (PowerShell's ErrorCategory), once failed.</summary>
    public Errors.PvcErrorKind? ErrorKind { get; init; }

    /// <summary>When it was submitted (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When a runner last claimed it, or null while it never ran.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it finished (success or failure), or null.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The ZooKeeper session of the node service that claimed it (0 while none has).</summary>
    public long RunnerSession { get; init; }

    /// <summary>Whether the claiming node's handler for it is safe to run again after an interruption (recorded at claim).</summary>
    public bool SafeToRepeat { get; init; }

    /// <summary>How many times a runner claimed it (more than 1 only after a hand-over of a task safe to repeat).</summary>
    public int Attempts { get; init; }

    /// <summary>Hand-overs and interruptions it went through, oldest first, for people ("hv2 died while it ran; handed to hv1").</summary>
    public IReadOnlyList<string> History { get; init; } = [];

    /// <summary>True once it succeeded or failed.</summary>
    public bool IsFinished => State is ClusterTaskState.Success or ClusterTaskState.Failure;

    /// <summary>The connection it was read through (not stored), so that a pipeline acts on the same cluster.</summary>
    public ClusterConnection? Cluster { get; init; }

    /// <summary>The record's znode version when read (a runner's writes check it).</summary>
    internal int Version { get; init; } = -1;
}
