namespace Pvc.NodeService.Networks;

/// <summary>An <c>nft</c> command failed or nft is missing; the message has the command and what it said.</summary>
internal sealed class NftCommandException(string message) : Exception(message);
