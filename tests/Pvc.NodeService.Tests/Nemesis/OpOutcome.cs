namespace Pvc.NodeService.Tests.Nemesis;

/// <summary>How a client operation ended.</summary>
internal enum OpOutcome
{
    /// <summary>Written, and its -Wait saw the effect.</summary>
    Done,

    /// <summary>Refused by Core's rules (target not ready, already there, changed meanwhile...): nothing written, no violation.</summary>
    Refused,

    /// <summary>Written, but its -Wait timed out or failed (a fault in the way): its effect is checked after healing.</summary>
    Unsettled,

    /// <summary>ZooKeeper could not be reached; it may or may not have been written.</summary>
    Failed,
}
