namespace Pvc.NodeService.Libvirt;

/// <summary>What <see cref="LibvirtDomain.GetXml"/> includes (<c>virDomainXMLFlags</c>).</summary>
[Flags]
public enum DomainXmlFlags : uint
{
    /// <summary>The live definition, without secrets.</summary>
    None = 0,
    /// <summary>VIR_DOMAIN_XML_SECURE: include security-sensitive data (passwords).</summary>
    Secure = 1,
    /// <summary>VIR_DOMAIN_XML_INACTIVE: the persistent definition rather than the live one.</summary>
    Inactive = 2,
    /// <summary>VIR_DOMAIN_XML_UPDATE_CPU: the guest CPU as the host provides it.</summary>
    UpdateCpu = 4,
    /// <summary>VIR_DOMAIN_XML_MIGRATABLE: suitable for migration (no host-specific parts).</summary>
    Migratable = 8,
}
