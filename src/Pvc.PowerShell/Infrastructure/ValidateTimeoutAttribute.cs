using System.Management.Automation;
using Pvc.Core.Reading;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// Refuses a <c>-Timeout</c> that is not more than zero or longer than Core's longest wait, while the parameters are
/// bound: before the cmdlet asks for any change, so a bad timeout never leaves a change asked for and then an error.
/// </summary>
public sealed class ValidateTimeoutAttribute : ValidateArgumentsAttribute
{
    /// <inheritdoc />
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        if (arguments is TimeSpan timeout && timeout > TimeSpan.Zero && WaitTimeout.IsValid(timeout))
            return;
        throw new ValidationMetadataException(
            $"The Timeout {arguments} is out of range: give more than 0 seconds and at most {WaitTimeout.Maximum.TotalDays:0} days (a number of seconds, or a TimeSpan).");
    }
}
