namespace Pvc.Core.Schema;

/// <summary>The ZooKeeper schema this code reads and writes: PVC 1.0.3's version 15.</summary>
public static class SchemaVersion
{
    /// <summary>The one schema version Pvc knows.</summary>
    public const int Current = 15;
}
