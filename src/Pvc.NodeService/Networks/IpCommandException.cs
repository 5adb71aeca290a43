namespace Pvc.NodeService.Networks;

/// <summary>An <c>ip</c> command failed; the message has the command and what it said.</summary>
internal sealed class IpCommandException(string message) : Exception(message);
