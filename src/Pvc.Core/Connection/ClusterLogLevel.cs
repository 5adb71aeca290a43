namespace Pvc.Core.Connection;

/// <summary>How much a <see cref="ClusterLogEntry"/> matters (the levels of Microsoft.Extensions.Logging, without the dependency).</summary>
public enum ClusterLogLevel
{
    /// <summary>Detail for diagnosis.</summary>
    Debug,
    /// <summary>A normal event worth recording.</summary>
    Information,
    /// <summary>Something went wrong and was handled (a lost connection that is being re-established).</summary>
    Warning,
    /// <summary>Something failed.</summary>
    Error,
}
