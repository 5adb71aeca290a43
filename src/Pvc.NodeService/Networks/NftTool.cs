using System.Text;
using CliWrap;

namespace Pvc.NodeService.Networks;

/// <summary>
/// nftables' <c>nft</c>, run through CliWrap with each value its own argument (no shell); with a namespace (the tests'
/// lab nodes) inside it through <c>ip netns exec</c>. A failure is an <see cref="NftCommandException"/>.
/// </summary>
internal sealed class NftTool(string? netns = null)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>Runs <c>nft</c> with <paramref name="args"/>; <paramref name="input"/>, when given, is its standard input.</summary>
    public async Task<string> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken, string? input = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Deadline);
        var output = new StringBuilder();
        var error = new StringBuilder();
        IReadOnlyList<string> command = netns is null ? ["nft", .. args] : ["ip", "netns", "exec", netns, "nft", .. args];
        var cli = Cli.Wrap(command[0]).WithArguments(command.Skip(1))
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(error));
        if (input is not null)
            cli = cli.WithStandardInputPipe(PipeSource.FromString(input));
        CommandResult result;
        try
        {
            result = await cli.ExecuteAsync(deadline.Token);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new NftCommandException($"nft could not be run ({e.Message}): install nftables.");
        }
        return result.ExitCode == 0 ? output.ToString()
            : throw new NftCommandException($"nft {string.Join(' ', args)} failed ({result.ExitCode}): {error.ToString().Trim()}");
    }
}
