namespace Pvc.ZooKeeper.Recipes;

/// <summary>A lock was not acquired within its timeout.</summary>
public sealed class LockTimeoutException(string path, TimeSpan timeout)
    : TimeoutException($"The lock on {path} was not acquired within {timeout.TotalSeconds:0.###} s; another holder keeps it.")
{
    /// <summary>The locked znode.</summary>
    public string Path { get; } = path;
}
