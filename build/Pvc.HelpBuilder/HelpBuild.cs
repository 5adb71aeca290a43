namespace Pvc.HelpBuilder;

/// <summary>Reads every page of a folder and writes one MAML file from them.</summary>
public static class HelpBuild
{
    /// <summary>
    /// Reads <c>*.md</c> in <paramref name="docsFolder"/> (ordinal order), checks that each names
    /// <paramref name="outputFile"/>'s file name as its external help file, and writes the MAML.
    /// </summary>
    /// <returns>The cmdlets written.</returns>
    /// <exception cref="HelpFormatException">A page is malformed; nothing is written.</exception>
    public static IReadOnlyList<CommandHelp> Run(string docsFolder, string outputFile)
    {
        ArgumentNullException.ThrowIfNull(docsFolder);
        ArgumentNullException.ThrowIfNull(outputFile);
        if (!Directory.Exists(docsFolder))
            throw new HelpFormatException(docsFolder, "docs", 0, "the folder of cmdlet pages does not exist");
        var pages = Directory.GetFiles(docsFolder, "*.md").Order(StringComparer.Ordinal).ToList();
        if (pages.Count == 0)
            throw new HelpFormatException(docsFolder, "docs", 0, "there is no cmdlet page (*.md)");
        var helpFileName = Path.GetFileName(outputFile);
        var commands = new List<CommandHelp>();
        foreach (var page in pages)
        {
            var help = MarkdownHelpReader.Read(page);
            if (!help.ExternalHelpFile.Equals(helpFileName, StringComparison.OrdinalIgnoreCase))
                throw new HelpFormatException(page, "front matter", 1, $"'external help file' is '{help.ExternalHelpFile}', but this build writes '{helpFileName}'");
            if (commands.FirstOrDefault() is { } first && first.ModuleName != help.ModuleName)
                throw new HelpFormatException(page, "front matter", 1, $"'Module Name' is '{help.ModuleName}', but {first.Name}'s is '{first.ModuleName}'");
            commands.Add(help);
        }
        MamlWriter.Write(commands, outputFile);
        return commands;
    }
}
