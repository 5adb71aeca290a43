using System.Management.Automation;

namespace Pvc.Testing.PowerShell;

/// <summary>What one script run produced, stream by stream.</summary>
/// <param name="Output">The output objects.</param>
/// <param name="Errors">Error records (non-terminating ones, and the terminating one, if any, last).</param>
/// <param name="Warnings">Warning records.</param>
/// <param name="Progress">Progress records, from the stream and the host.</param>
/// <param name="Information">Information records (Write-Information, Write-Host).</param>
/// <param name="HostText">Text the host was given (Out-Default's rendering).</param>
public sealed record PowerShellResult(
    IReadOnlyList<PSObject> Output,
    IReadOnlyList<ErrorRecord> Errors,
    IReadOnlyList<WarningRecord> Warnings,
    IReadOnlyList<ProgressRecord> Progress,
    IReadOnlyList<InformationRecord> Information,
    string HostText)
{
    /// <summary>Verbose records (Write-Verbose, with -Verbose or $VerbosePreference).</summary>
    public IReadOnlyList<VerboseRecord> Verbose { get; init; } = [];

    /// <summary>The base objects of the output, cast.</summary>
    public IReadOnlyList<T> OutputOf<T>() => [.. Output.Select(o => (T)o.BaseObject)];

    /// <summary>
    /// Whether <see cref="HostText"/> shows <paramref name="text"/>, white space aside: the host wraps a long line at its
    /// width, anywhere.
    /// </summary>
    public bool HostShows(string text) => Squeezed(HostText).Contains(Squeezed(text), StringComparison.Ordinal);

    private static string Squeezed(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    /// <summary>Throws with every error's text when the run wrote any error: for steps that must succeed.</summary>
    public PowerShellResult ThrowIfErrors()
    {
        if (Errors.Count > 0)
            throw new InvalidOperationException("The script wrote errors:\n" + string.Join("\n", Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        return this;
    }
}
