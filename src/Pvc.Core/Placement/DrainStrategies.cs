namespace Pvc.Core.Placement;

/// <summary>The text of a VM's drain strategy record (<see cref="PlacementRuleKeys.DrainOf"/>).</summary>
public static class DrainStrategies
{
    /// <summary>The record's text: "live", "restart" or "stop".</summary>
    public static string Encode(DrainStrategy strategy) => strategy switch
    {
        DrainStrategy.Restart => "restart",
        DrainStrategy.Stop => "stop",
        _ => "live",
    };

    /// <summary>
    /// A record's strategy: none (null), or text that is none of the three (written by hand), is <see cref="DrainStrategy.Live"/>,
    /// PVC's behaviour, so that a stray record never keeps a VM from being moved.
    /// </summary>
    public static DrainStrategy Decode(string? text) => text?.Trim() switch
    {
        "restart" => DrainStrategy.Restart,
        "stop" => DrainStrategy.Stop,
        _ => DrainStrategy.Live,
    };
}
