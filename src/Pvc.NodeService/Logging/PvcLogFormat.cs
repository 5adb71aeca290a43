using System.Globalization;
using Microsoft.Extensions.Logging;
using Pvc.NodeService.Configuration;

namespace Pvc.NodeService.Logging;

/// <summary>
/// PVC's log line: a prompt per state ("ok: ", "failed: ", "warning: ", "info: ", "debug: ", or "&gt;&gt;&gt; " in the
/// state's colour), the date (<c>%Y/%m/%d %H:%M:%S.%f</c>) when log_dates is on, and the message. In ZooKeeper the line
/// is prefixed with the daemon's name padded to 12, and a date is always there (in front, when log_dates is off).
/// </summary>
internal sealed class PvcLogFormat(NodeLogSettings settings)
{
    private const string DaemonPrefix = "pvcnoded:   "; // "pvcnoded: " padded to 12, as PVC pads every daemon's name
    private const string End = "\u001b[0m";

    /// <summary>The line for the log file (and stdout, when this format writes it).</summary>
    public string FileLine(LogLevel level, string message, DateTime now) =>
        Prompt(level) + (settings.Dates ? Date(now) + " " : "") + message;

    /// <summary>The line for <c>/logs/&lt;node&gt;/messages</c>.</summary>
    public string ZooKeeperLine(LogLevel level, string message, DateTime now) =>
        (settings.Dates ? "" : Date(now) + " ") + DaemonPrefix + Prompt(level) + (settings.Dates ? Date(now) + " " : "") + message;

    private static string Date(DateTime now) => now.ToString("yyyy/MM/dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    private string Prompt(LogLevel level)
    {
        if (settings.Colours)
        {
            var colour = level switch
            {
                LogLevel.Critical or LogLevel.Error => "\u001b[91m",
                LogLevel.Warning => "\u001b[93m",
                LogLevel.Information => "\u001b[94m",
                _ => "\u001b[97m",
            };
            return colour + ">>> " + End;
        }
        return level switch
        {
            LogLevel.Critical or LogLevel.Error => "failed: ",
            LogLevel.Warning => "warning: ",
            LogLevel.Information => "info: ",
            _ => "debug: ",
        };
    }
}
