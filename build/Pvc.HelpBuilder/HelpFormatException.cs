namespace Pvc.HelpBuilder;

/// <summary>A help page that does not follow platyPS's layout: names the file, the section and the line.</summary>
public sealed class HelpFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="file">The Markdown file.</param>
    /// <param name="section">The section at fault, e.g. <c>## DESCRIPTION</c> or <c>### -Server</c>.</param>
    /// <param name="line">The 1-based line, or 0 when the problem is the file as a whole.</param>
    /// <param name="problem">What is wrong.</param>
    public HelpFormatException(string file, string section, int line, string problem)
        : base($"{file}{(line > 0 ? $"({line})" : "")}: section '{section}': {problem}")
    {
        File = file;
        Section = section;
        Line = line;
        Problem = problem;
    }

    /// <summary>The Markdown file.</summary>
    public string File { get; }

    /// <summary>The section at fault.</summary>
    public string Section { get; }

    /// <summary>The 1-based line, or 0.</summary>
    public int Line { get; }

    /// <summary>What is wrong, without the file and section.</summary>
    public string Problem { get; }
}
