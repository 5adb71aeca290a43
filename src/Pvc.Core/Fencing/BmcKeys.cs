namespace Pvc.Core.Fencing;

/// <summary>A node's BMC as its node service registered it (the IPMI keys); validated by the fencer before use. The password is never logged.</summary>
/// <param name="Host">The BMC's address, or null.</param>
/// <param name="User">The IPMI user, or null.</param>
/// <param name="Password">The IPMI password, or null.</param>
public sealed record BmcKeys(string? Host, string? User, string? Password)
{
    /// <inheritdoc />
    public override string ToString() => $"BmcKeys {{ Host = {Host}, User = {User} }}";
}
