using System.Management.Automation.Host;

namespace Pvc.Testing.PowerShell;

/// <summary>A fixed-size buffer, so formatted tables render the same width on every machine.</summary>
public sealed class RecordingRawUserInterface(int width) : PSHostRawUserInterface
{
    /// <inheritdoc />
    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;

    /// <inheritdoc />
    public override Size BufferSize { get; set; } = new(width, 9999);

    /// <inheritdoc />
    public override Coordinates CursorPosition { get; set; }

    /// <inheritdoc />
    public override int CursorSize { get; set; }

    /// <inheritdoc />
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.White;

    /// <inheritdoc />
    public override bool KeyAvailable => false;

    /// <inheritdoc />
    public override Size MaxPhysicalWindowSize => new(width, 9999);

    /// <inheritdoc />
    public override Size MaxWindowSize => new(width, 9999);

    /// <inheritdoc />
    public override Coordinates WindowPosition { get; set; }

    /// <inheritdoc />
    public override Size WindowSize { get; set; } = new(width, 50);

    /// <inheritdoc />
    public override string WindowTitle { get; set; } = "Pvc";

    /// <inheritdoc />
    public override void FlushInputBuffer()
    {
    }

    /// <inheritdoc />
    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();

    /// <inheritdoc />
    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException("The test host reads no keys.");

    /// <inheritdoc />
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill)
    {
    }

    /// <inheritdoc />
    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents)
    {
    }

    /// <inheritdoc />
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill)
    {
    }
}
