namespace Pvc.NodeService.Fencing;

/// <summary>What a BMC says of its chassis power.</summary>
internal enum BmcPowerState
{
    /// <summary>The BMC did not answer, or answered something else.</summary>
    Unknown,

    /// <summary>"Chassis Power is on".</summary>
    On,

    /// <summary>"Chassis Power is off".</summary>
    Off,
}
