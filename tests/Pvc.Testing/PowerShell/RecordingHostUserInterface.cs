using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;

namespace Pvc.Testing.PowerShell;

/// <summary>The UI half of <see cref="RecordingHost"/>.</summary>
public sealed class RecordingHostUserInterface(int width) : PSHostUserInterface
{
    private readonly StringBuilder _text = new();
    private readonly Lock _lock = new();
    private readonly RecordingRawUserInterface _raw = new(width);

    /// <summary>Everything written as text (Out-Default's rendering, Write-Host, ...).</summary>
    public string Text
    {
        get
        {
            lock (_lock)
                return _text.ToString();
        }
    }

    /// <summary>Progress records, in the order written.</summary>
    public ConcurrentQueue<ProgressRecord> Progress { get; } = new();

    /// <summary>Warnings the host was asked to show.</summary>
    public ConcurrentQueue<string> Warnings { get; } = new();

    /// <summary>
    /// Answers for <see cref="PromptForChoice"/>, by choice label ("&amp;Yes", "Yes to &amp;All", ...), taken in order.
    /// A prompt with no answer queued fails the command: nothing may prompt that the test did not plan for.
    /// </summary>
    public ConcurrentQueue<string> ChoiceAnswers { get; } = new();

    /// <summary>The captions of the prompts that were answered.</summary>
    public ConcurrentQueue<string> Prompts { get; } = new();

    /// <summary>What happens elsewhere while the user reads a prompt (given its message), before the answer is given.</summary>
    public Action<string>? WhilePrompting { get; set; }

    /// <inheritdoc />
    public override PSHostRawUserInterface RawUI => _raw;

    /// <summary>Forgets what was recorded.</summary>
    public void Clear()
    {
        lock (_lock)
            _text.Clear();
        Progress.Clear();
        Warnings.Clear();
        Prompts.Clear();
    }

    private void Append(string text)
    {
        lock (_lock)
            _text.Append(text);
    }

    /// <inheritdoc />
    public override void Write(string value) => Append(value);

    /// <inheritdoc />
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Append(value);

    /// <inheritdoc />
    public override void WriteLine(string value) => Append(value + "\n");

    /// <inheritdoc />
    public override void WriteErrorLine(string value) => Append(value + "\n");

    /// <inheritdoc />
    public override void WriteDebugLine(string message) => Append("DEBUG: " + message + "\n");

    /// <inheritdoc />
    public override void WriteVerboseLine(string message) => Append("VERBOSE: " + message + "\n");

    /// <inheritdoc />
    public override void WriteWarningLine(string message)
    {
        Warnings.Enqueue(message);
        Append("WARNING: " + message + "\n");
    }

    /// <inheritdoc />
    public override void WriteProgress(long sourceId, ProgressRecord record) => Progress.Enqueue(record);

    /// <inheritdoc />
    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        if (!ChoiceAnswers.TryDequeue(out var answer))
            throw new PSInvalidOperationException($"Unexpected prompt: {caption}: {message}");
        Prompts.Enqueue($"{caption}: {message}");
        WhilePrompting?.Invoke(message);
        for (var i = 0; i < choices.Count; i++)
            if (string.Equals(choices[i].Label.Replace("&", "", StringComparison.Ordinal), answer.Replace("&", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase))
                return i;
        throw new PSInvalidOperationException($"The prompt '{caption}' has no choice '{answer}'.");
    }

    /// <inheritdoc />
    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
        throw new PSInvalidOperationException($"Unexpected prompt: {caption}: {message}");

    /// <inheritdoc />
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        throw new PSInvalidOperationException($"Unexpected credential prompt: {caption}: {message}");

    /// <inheritdoc />
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
        throw new PSInvalidOperationException($"Unexpected credential prompt: {caption}: {message}");

    /// <inheritdoc />
    public override string ReadLine() => throw new PSInvalidOperationException("Unexpected Read-Host.");

    /// <inheritdoc />
    public override SecureString ReadLineAsSecureString() => throw new PSInvalidOperationException("Unexpected Read-Host.");
}
