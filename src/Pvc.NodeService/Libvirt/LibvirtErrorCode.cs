namespace Pvc.NodeService.Libvirt;

/// <summary>
/// libvirt's error codes (<c>virErrorNumber</c> in virterror.h; values are stable across releases). The ones the
/// node service reacts to are named; any other value still arrives, unnamed, in <see cref="LibvirtException.Code"/>.
/// </summary>
public enum LibvirtErrorCode
{
    /// <summary>VIR_ERR_OK: no error (a failing call that left none).</summary>
    Ok = 0,
    /// <summary>VIR_ERR_INTERNAL_ERROR: the driver's catch-all (the test driver uses it for "domain not running").</summary>
    InternalError = 1,
    /// <summary>VIR_ERR_NO_MEMORY.</summary>
    NoMemory = 2,
    /// <summary>VIR_ERR_NO_SUPPORT: the driver does not implement the call (the test driver and migration).</summary>
    NoSupport = 3,
    /// <summary>VIR_ERR_UNKNOWN_HOST: a host name in the URI does not resolve.</summary>
    UnknownHost = 4,
    /// <summary>VIR_ERR_NO_CONNECT: the hypervisor could not be reached.</summary>
    NoConnect = 5,
    /// <summary>VIR_ERR_INVALID_CONN: an invalid connection object.</summary>
    InvalidConnection = 6,
    /// <summary>VIR_ERR_INVALID_DOMAIN: an invalid domain object.</summary>
    InvalidDomain = 7,
    /// <summary>VIR_ERR_INVALID_ARG: an invalid argument.</summary>
    InvalidArgument = 8,
    /// <summary>VIR_ERR_OPERATION_FAILED: a command to the hypervisor failed.</summary>
    OperationFailed = 9,
    /// <summary>VIR_ERR_XML_ERROR: the XML is not well formed or not a valid description.</summary>
    XmlError = 27,
    /// <summary>VIR_ERR_DOM_EXIST: the domain already exists.</summary>
    DomainExists = 28,
    /// <summary>VIR_ERR_OPERATION_DENIED: forbidden on a read-only connection.</summary>
    OperationDenied = 29,
    /// <summary>VIR_ERR_XML_DETAIL: details of an XML parse error (what a malformed document gives).</summary>
    XmlDetail = 35,
    /// <summary>VIR_ERR_SYSTEM_ERROR: an operating system call failed (socket missing, permission denied...).</summary>
    SystemError = 38,
    /// <summary>VIR_ERR_RPC: a failure talking to the daemon.</summary>
    Rpc = 39,
    /// <summary>VIR_ERR_NO_DOMAIN: no domain with that name or UUID, or it disappeared.</summary>
    NoDomain = 42,
    /// <summary>VIR_ERR_AUTH_FAILED: authentication failed.</summary>
    AuthFailed = 45,
    /// <summary>VIR_ERR_OPERATION_INVALID: not valid in the domain's current state (for example already active).</summary>
    OperationInvalid = 55,
    /// <summary>VIR_ERR_CONFIG_UNSUPPORTED: the driver refuses part of the domain definition.</summary>
    ConfigUnsupported = 67,
    /// <summary>VIR_ERR_OPERATION_TIMEOUT: a timeout occurred during the operation.</summary>
    OperationTimeout = 68,
    /// <summary>VIR_ERR_MIGRATE_PERSIST_FAILED: the migration worked but making the domain persistent on the destination failed.</summary>
    MigratePersistFailed = 69,
    /// <summary>VIR_ERR_ARGUMENT_UNSUPPORTED: valid API use the driver does not support (p2p migration on the test driver).</summary>
    ArgumentUnsupported = 74,
    /// <summary>VIR_ERR_OPERATION_ABORTED: the operation was cancelled.</summary>
    OperationAborted = 78,
    /// <summary>VIR_ERR_MIGRATE_UNSAFE: the migration is not safe (for example a disk cache mode).</summary>
    MigrateUnsafe = 81,
    /// <summary>VIR_ERR_OPERATION_UNSUPPORTED: the operation is not supported in this setup.</summary>
    OperationUnsupported = 84,
    /// <summary>VIR_ERR_AGENT_UNRESPONSIVE: the guest agent is not running or not answering.</summary>
    AgentUnresponsive = 86,
    /// <summary>VIR_ERR_RESOURCE_BUSY: the resource is already in use.</summary>
    ResourceBusy = 87,
    /// <summary>VIR_ERR_ACCESS_DENIED: refused by access control.</summary>
    AccessDenied = 88,
    /// <summary>VIR_ERR_CPU_INCOMPATIBLE: the requested CPU is incompatible with the host's.</summary>
    CpuIncompatible = 91,
    /// <summary>VIR_ERR_MULTIPLE_DOMAINS: more than one domain matches.</summary>
    MultipleDomains = 110,
}
