namespace Pvc.Core.Schema;

/// <summary>Keys of a fault, <c>/faults/&lt;id&gt;</c>, and of a node's log, <c>/logs/&lt;node&gt;</c>.</summary>
public static class FaultKeys
{
#pragma warning disable CS1591 // the names are PVC's keys; the inventory documents each
    public const string Root = "";
    public const string LastTime = "/last_time";
    public const string FirstTime = "/first_time";
    public const string AckTime = "/ack_time";
    public const string Status = "/status";
    public const string Delta = "/delta";
    public const string Message = "/message";

    public const string LogMessages = "/messages";
#pragma warning restore CS1591

    /// <summary>The fault element schema.</summary>
    public static ElementSchema Schema { get; } = new("faults", BaseKeys.Faults, [Root, LastTime, FirstTime, AckTime, Status, Delta, Message]);

    /// <summary>The node log element schema.</summary>
    public static ElementSchema Logs { get; } = new("logs", BaseKeys.Logs, [Root, LogMessages]);

    /// <summary>A key's path for a fault.</summary>
    public static string Path(string id, string key = Root) => Schema.Path(id, key);
}
