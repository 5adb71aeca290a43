namespace Pvc.NodeService.Logging;

/// <summary>
/// Takes the service's secrets (BMC and ZooKeeper passwords from pvc.conf, and any a component registers, such as a
/// peer's BMC password read for fencing) out of every log line, whatever logged them, before a line reaches stdout,
/// the log file or ZooKeeper (which every cluster reader can see).
/// </summary>
public sealed class SecretRedactor
{
    /// <summary>What a secret is replaced by.</summary>
    public const string Mask = "***";

    // shortest secret masked: a one- or two-character "password" would mask every such letter in every line
    private const int MinimumLength = 3;

    private volatile string[] _secrets = [];
    private readonly Lock _gate = new();

    /// <summary>A redactor for <paramref name="secrets"/> (nulls and empties ignored).</summary>
    public SecretRedactor(IEnumerable<string?> secrets)
    {
        foreach (var secret in secrets)
            Add(secret);
    }

    /// <summary>Masks <paramref name="secret"/> from now on.</summary>
    public void Add(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < MinimumLength)
            return;
        lock (_gate)
        {
            if (!_secrets.Contains(secret, StringComparer.Ordinal))
                // longest first: a secret that contains another is masked whole
                _secrets = [.. _secrets.Append(secret).OrderByDescending(s => s.Length)];
        }
    }

    /// <summary>The line with every secret masked.</summary>
    public string Redact(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        foreach (var secret in _secrets)
            if (line.Contains(secret, StringComparison.Ordinal))
                line = line.Replace(secret, Mask, StringComparison.Ordinal);
        return line;
    }
}
