using System.Globalization;
using System.Management.Automation.Host;

namespace Pvc.Testing.PowerShell;

/// <summary>
/// A PowerShell host for tests: it keeps what is written to it (the
/// text Out-Default renders, warnings, progress records) and answers prompts from a script of
/// answers, failing loudly when something prompts that the test did not expect.
/// </summary>
public sealed class RecordingHost : PSHost
{
    private readonly RecordingHostUserInterface _ui;

    /// <summary>Creates a host whose UI is <paramref name="width"/> columns wide.</summary>
    public RecordingHost(int width = 160) => _ui = new RecordingHostUserInterface(width);

    /// <inheritdoc />
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public override Guid InstanceId { get; } = Guid.NewGuid();

    /// <inheritdoc />
    public override string Name => "PvcTestHost";

    /// <inheritdoc />
    public override PSHostUserInterface UI => _ui;

    /// <inheritdoc />
    public override Version Version => new(1, 0);

    /// <summary>The host's recordings.</summary>
    public RecordingHostUserInterface Recorded => _ui;

    /// <inheritdoc />
    public override void EnterNestedPrompt() => throw new NotSupportedException("The test host has no nested prompt.");

    /// <inheritdoc />
    public override void ExitNestedPrompt() => throw new NotSupportedException("The test host has no nested prompt.");

    /// <inheritdoc />
    public override void NotifyBeginApplication()
    {
    }

    /// <inheritdoc />
    public override void NotifyEndApplication()
    {
    }

    /// <inheritdoc />
    public override void SetShouldExit(int exitCode)
    {
    }
}
