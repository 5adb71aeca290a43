namespace Pvc.NodeService.TestHandlers;

/// <summary>A <see cref="GatedHandler"/> that is safe to repeat.</summary>
public sealed class RepeatableGatedHandler : GatedHandler
{
    /// <inheritdoc />
    public override string Kind => TestTaskKinds.RepeatableGated;

    /// <inheritdoc />
    public override bool SafeToRepeat => true;
}
