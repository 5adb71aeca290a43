using System.Globalization;
using System.Management.Automation;
using Pvc.Core.Errors;
using Pvc.Core.Storage;

namespace Pvc.PowerShell.Infrastructure;

/// <summary>
/// Lets a size parameter take PowerShell's numbers (<c>10GB</c> is 10737418240 bytes) and PVC's human units as text
/// (<c>"10G"</c>, <c>"512M"</c>, <c>"1T"</c>: powers of 1024, as PVC's storage commands read them).
/// </summary>
public sealed class ByteSizeTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        try
        {
            return value switch
            {
                int or long or short or byte or uint or ulong or ushort => Positive(Convert.ToDecimal(value, CultureInfo.InvariantCulture), value),
                double or float or decimal => Positive(Convert.ToDecimal(value, CultureInfo.InvariantCulture), value),
                string s => ByteSize.Parse(s),
                _ => inputData,
            };
        }
        catch (Exception e) when (e is PvcException or OverflowException)
        {
            throw new ArgumentTransformationMetadataException(e.Message, e);
        }
    }

    private static long Positive(decimal bytes, object given) =>
        bytes is >= 1 and <= long.MaxValue ? (long)decimal.Floor(bytes)
            : throw new ArgumentTransformationMetadataException($"The size {given} is not a positive number of bytes; give bytes (10GB) or a size with a unit (\"10G\").");
}
