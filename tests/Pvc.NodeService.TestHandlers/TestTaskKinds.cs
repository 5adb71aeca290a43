namespace Pvc.NodeService.TestHandlers;

/// <summary>The kinds of the test handlers.</summary>
public static class TestTaskKinds
{
    /// <summary><see cref="GatedHandler"/>, not safe to repeat.</summary>
    public const string Gated = "test.gated";

    /// <summary><see cref="RepeatableGatedHandler"/>, safe to repeat.</summary>
    public const string RepeatableGated = "test.gated_repeatable";

    /// <summary><see cref="RefusingHandler"/>.</summary>
    public const string Refuse = "test.refuse";

    /// <summary><see cref="CrashingHandler"/>.</summary>
    public const string Crash = "test.crash";

    /// <summary>The error id <see cref="RefusingHandler"/> refuses with.</summary>
    public const string RefusalErrorId = "TestRefusal";

    /// <summary>Where each run of a gated task records itself: <c>/test-task-runs/&lt;id&gt;/run-NNNN</c>, data the node's name.</summary>
    public const string Runs = "/test-task-runs";
}
