namespace Pvc.Core.Schema;

/// <summary>How a VM migrates (<c>/migration_method</c>).</summary>
public enum MigrationMethod
{
    /// <summary>"none": live, falling back to shutdown.</summary>
    Default = 0,
    /// <summary>Live only.</summary>
    Live,
    /// <summary>Shut down, then start on the target.</summary>
    Shutdown,
}
