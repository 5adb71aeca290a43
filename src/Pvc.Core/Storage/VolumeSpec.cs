using Pvc.Core.Errors;

namespace Pvc.Core.Storage;

/// <summary>A volume as PVC writes it in a VM's rbdlist and its disks' sources: "pool/volume".</summary>
public static class VolumeSpec
{
    /// <summary>The pool and volume of <paramref name="spec"/>, each checked against Pvc's rules.</summary>
    /// <exception cref="PvcException">InvalidArgument: "InvalidPoolName", "InvalidVolumeName".</exception>
    public static (string Pool, string Volume) Parse(string? spec)
    {
        var slash = spec?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        var pool = slash < 0 ? spec : spec![..slash];
        var volume = slash < 0 ? "" : spec![(slash + 1)..];
        PoolName.Validate(pool);
        VolumeName.Validate(volume);
        return (pool!, volume);
    }
}
