using System.Globalization;
using System.Management.Automation;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// Lets a TimeSpan parameter take a plain number as seconds (<c>-Timeout 30</c>), besides a TimeSpan
/// or "hh:mm:ss". PowerShell alone would read 30 as 30 ticks.
/// </summary>
public sealed class TimeoutTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        return value switch
        {
            int or long or double or float or decimal => Seconds(Convert.ToDouble(value, CultureInfo.InvariantCulture), value),
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) => Seconds(seconds, s),
            _ => inputData,
        };
    }

    // a number no TimeSpan holds (NaN, infinity, beyond about 29,000 years) is refused here with a message that says so;
    // the range a wait takes is ValidateTimeout's
    private static TimeSpan Seconds(double seconds, object given) =>
        double.IsFinite(seconds) && Math.Abs(seconds) < TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentTransformationMetadataException($"The Timeout {given} is not a number of seconds a wait can take.");
}
