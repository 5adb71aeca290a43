namespace Pvc.NodeService.Configuration;

/// <summary>The configuration file is missing, unreadable, or a key has a bad value; the message names the key.</summary>
public sealed class NodeConfigException(string message, Exception? inner = null) : Exception(message, inner);
