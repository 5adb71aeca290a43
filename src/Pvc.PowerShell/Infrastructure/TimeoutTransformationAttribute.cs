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
            int or long or double or float or decimal => TimeSpan.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) => TimeSpan.FromSeconds(seconds),
            _ => inputData,
        };
    }
}
