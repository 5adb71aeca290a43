namespace Pvc.Core.Errors;

/// <summary>
/// The stable identifiers of Core's errors (<see cref="PvcException.ErrorId"/>, PowerShell's ErrorId): compare with these,
/// never with a literal.
/// </summary>
public static class PvcErrorIds
{
    /// <summary>The cluster is closed and the connection's user may not do this (ZooKeeper refused it).</summary>
    public const string AccessDenied = nameof(AccessDenied);

    /// <summary>The network already has a firewall rule of that description.</summary>
    public const string AclAlreadyExists = nameof(AclAlreadyExists);

    /// <summary>The network has no firewall rule of that description.</summary>
    public const string AclNotFound = nameof(AclNotFound);

    /// <summary>The connection's chroot cannot be administered by the connecting user.</summary>
    public const string ChrootNotAdministrable = nameof(ChrootNotAdministrable);

    /// <summary>The ZooKeeper already holds a PVC cluster.</summary>
    public const string ClusterAlreadyInitialized = nameof(ClusterAlreadyInitialized);

    /// <summary>Someone wrote to the ZooKeeper while the cluster was being initialised.</summary>
    public const string ClusterChangedDuringInitialization = nameof(ClusterChangedDuringInitialization);

    /// <summary>A key changed, appeared or went between a read and a write that relied on it; nothing was written.</summary>
    public const string ClusterChangedMeanwhile = nameof(ClusterChangedMeanwhile);

    /// <summary>The ZooKeeper holds data that is not a PVC cluster.</summary>
    public const string ClusterDataPresent = nameof(ClusterDataPresent);

    /// <summary>The ZooKeeper holds no PVC cluster.</summary>
    public const string ClusterNotInitialized = nameof(ClusterNotInitialized);

    /// <summary>The cluster's settings changed meanwhile; nothing was written.</summary>
    public const string ClusterSettingsWriteConflict = nameof(ClusterSettingsWriteConflict);

    /// <summary>No ZooKeeper server of the cluster answered.</summary>
    public const string ClusterUnreachable = nameof(ClusterUnreachable);

    /// <summary>A closed cluster needs a user name and password.</summary>
    public const string CredentialRequired = nameof(CredentialRequired);

    /// <summary>A network's DHCP range includes its gateway.</summary>
    public const string DhcpRangeIncludesGateway = nameof(DhcpRangeIncludesGateway);

    /// <summary>The network already has a DHCP reservation for that MAC address or IP address.</summary>
    public const string DhcpReservationExists = nameof(DhcpReservationExists);

    /// <summary>The network has no DHCP reservation for that MAC address.</summary>
    public const string DhcpReservationNotFound = nameof(DhcpReservationNotFound);

    /// <summary>A VM definition uses a part of libvirt's domain XML the cluster does not allow (the exception's Detail is the DomainXmlRefusal).</summary>
    public const string DomainXmlNotAllowed = nameof(DomainXmlNotAllowed);

    /// <summary>The cluster's domain XML allow-list changed while a VM was written.</summary>
    public const string DomainXmlPolicyChanged = nameof(DomainXmlPolicyChanged);

    /// <summary>No fault has that id.</summary>
    public const string FaultNotFound = nameof(FaultNotFound);

    /// <summary>The faults changed meanwhile; nothing was written.</summary>
    public const string FaultWriteConflict = nameof(FaultWriteConflict);

    /// <summary>A network's gateway is not a host address of its network.</summary>
    public const string GatewayOutsideNetwork = nameof(GatewayOutsideNetwork);

    /// <summary>The node has not enough free memory for the VM.</summary>
    public const string InsufficientMemory = nameof(InsufficientMemory);

    /// <summary>The text cannot be a firewall rule's description.</summary>
    public const string InvalidAclDescription = nameof(InvalidAclDescription);

    /// <summary>The text cannot be a firewall rule (it would break out of its nftables line).</summary>
    public const string InvalidAclRule = nameof(InvalidAclRule);

    /// <summary>The certificate authority file cannot be read as PEM certificates.</summary>
    public const string InvalidCertificateAuthorityFile = nameof(InvalidCertificateAuthorityFile);

    /// <summary>The name cannot be a cluster's.</summary>
    public const string InvalidClusterName = nameof(InvalidClusterName);

    /// <summary>The user name or password cannot be a digest credential.</summary>
    public const string InvalidCredential = nameof(InvalidCredential);

    /// <summary>A network's DHCP range is missing, outside the network, or reversed.</summary>
    public const string InvalidDhcpRange = nameof(InvalidDhcpRange);

    /// <summary>The text is not a DNS domain.</summary>
    public const string InvalidDomain = nameof(InvalidDomain);

    /// <summary>The text is not a host name.</summary>
    public const string InvalidHostname = nameof(InvalidHostname);

    /// <summary>A name limit is not a valid pattern.</summary>
    public const string InvalidLimit = nameof(InvalidLimit);

    /// <summary>The text is not a MAC address.</summary>
    public const string InvalidMacAddress = nameof(InvalidMacAddress);

    /// <summary>A migration's maximum downtime is not a positive number of milliseconds.</summary>
    public const string InvalidMaxDowntime = nameof(InvalidMaxDowntime);

    /// <summary>An MTU is out of range.</summary>
    public const string InvalidMtu = nameof(InvalidMtu);

    /// <summary>A name server is not an IP address.</summary>
    public const string InvalidNameServer = nameof(InvalidNameServer);

    /// <summary>A network address is not of the right family or has no room for hosts.</summary>
    public const string InvalidNetworkAddress = nameof(InvalidNetworkAddress);

    /// <summary>The text cannot be a network's description.</summary>
    public const string InvalidNetworkDescription = nameof(InvalidNetworkDescription);

    /// <summary>A network's type is neither managed nor bridged.</summary>
    public const string InvalidNetworkType = nameof(InvalidNetworkType);

    /// <summary>The name cannot be a node's.</summary>
    public const string InvalidNodeName = nameof(InvalidNodeName);

    /// <summary>A DHCP reservation's address is not a host address of the network's IPv4 network.</summary>
    public const string InvalidReservationAddress = nameof(InvalidReservationAddress);

    /// <summary>An RBD disk in the domain XML names an image, monitor, cephx user or secret Pvc does not pass to libvirt.</summary>
    public const string InvalidRbdDisk = nameof(InvalidRbdDisk);

    /// <summary>A directory given for the cluster's domain XML host paths is not a plain absolute path (or is '/').</summary>
    public const string InvalidHostDirectory = nameof(InvalidHostDirectory);

    /// <summary>The server list is empty or malformed.</summary>
    public const string InvalidServer = nameof(InvalidServer);

    /// <summary>The tag name cannot be a tag's.</summary>
    public const string InvalidTag = nameof(InvalidTag);

    /// <summary>The cluster's target selector must name a selector.</summary>
    public const string InvalidTargetSelector = nameof(InvalidTargetSelector);

    /// <summary>A timeout is not positive or too long.</summary>
    public const string InvalidTimeout = nameof(InvalidTimeout);

    /// <summary>The name cannot be a VM's.</summary>
    public const string InvalidVmName = nameof(InvalidVmName);

    /// <summary>A network's VNI is out of range for its type.</summary>
    public const string InvalidVni = nameof(InvalidVni);

    /// <summary>The domain XML cannot be parsed or lacks what PVC needs.</summary>
    public const string InvalidXml = nameof(InvalidXml);

    /// <summary>A network with that VNI exists already.</summary>
    public const string NetworkAlreadyExists = nameof(NetworkAlreadyExists);

    /// <summary>The network changed meanwhile; nothing was written.</summary>
    public const string NetworkChangedMeanwhile = nameof(NetworkChangedMeanwhile);

    /// <summary>Another network has that description.</summary>
    public const string NetworkDescriptionInUse = nameof(NetworkDescriptionInUse);

    /// <summary>VMs have NICs on the network.</summary>
    public const string NetworkInUse = nameof(NetworkInUse);

    /// <summary>No network has that VNI or description.</summary>
    public const string NetworkNotFound = nameof(NetworkNotFound);

    /// <summary>The network is bridged, and the operation needs a managed network.</summary>
    public const string NetworkNotManaged = nameof(NetworkNotManaged);

    /// <summary>The change asks for nothing.</summary>
    public const string NoChange = nameof(NoChange);

    /// <summary>No other coordinator can take over.</summary>
    public const string NoOtherCoordinator = nameof(NoOtherCoordinator);

    /// <summary>No node qualifies as a VM's target.</summary>
    public const string NoTargetNode = nameof(NoTargetNode);

    /// <summary>The node changed meanwhile; nothing was written.</summary>
    public const string NodeChangedMeanwhile = nameof(NodeChangedMeanwhile);

    /// <summary>The node came back; its VMs stay where they are.</summary>
    public const string NodeNotDead = nameof(NodeNotDead);

    /// <summary>There is no node of that name.</summary>
    public const string NodeNotFound = nameof(NodeNotFound);

    /// <summary>The node is not in the VM's node limit.</summary>
    public const string NodeNotInLimit = nameof(NodeNotInLimit);

    /// <summary>The node is not run/ready.</summary>
    public const string NodeNotReady = nameof(NodeNotReady);

    /// <summary>The node's service is not running.</summary>
    public const string NodeNotRunning = nameof(NodeNotRunning);

    /// <summary>The node has not reported its resources yet.</summary>
    public const string NodeResourcesUnknown = nameof(NodeResourcesUnknown);

    /// <summary>The node is not a coordinator.</summary>
    public const string NotCoordinator = nameof(NotCoordinator);

    /// <summary>The node is not the primary coordinator.</summary>
    public const string NotPrimary = nameof(NotPrimary);

    /// <summary>No OSD has that id.</summary>
    public const string OsdNotFound = nameof(OsdNotFound);

    /// <summary>The device an OSD was asked for is not a /dev path or a detect: string.</summary>
    public const string InvalidOsdDevice = nameof(InvalidOsdDevice);

    /// <summary>The OSD's device is not on this node, or no disk matches a detect: string.</summary>
    public const string OsdDeviceNotFound = nameof(OsdDeviceNotFound);

    /// <summary>The device has a partition table (PVC refuses it: wipe it first).</summary>
    public const string OsdDeviceHasPartitions = nameof(OsdDeviceHasPartitions);

    /// <summary>The device is in use: it holds an OSD, a filesystem or other signature, a holder (LVM, md, dm), or is open exclusively.</summary>
    public const string OsdDeviceInUse = nameof(OsdDeviceInUse);

    /// <summary>Storage or OSD keys were sent after Ceph was changed, but ZooKeeper's answer was lost and they could not be read back.</summary>
    public const string StorageKeysUnconfirmed = nameof(StorageKeysUnconfirmed);

    /// <summary>The OSD lives on another node than the one asked to act on it.</summary>
    public const string OsdOnOtherNode = nameof(OsdOnOtherNode);

    /// <summary>Removing the OSD would leave data with no OSD to hold it (needs -Force).</summary>
    public const string OsdHoldsLastData = nameof(OsdHoldsLastData);

    /// <summary>An OSD flag (osd set/unset) that Ceph does not know.</summary>
    public const string InvalidOsdFlag = nameof(InvalidOsdFlag);

    /// <summary>An OSD's crush weight that is not a number from 0 to 1000.</summary>
    public const string InvalidOsdWeight = nameof(InvalidOsdWeight);

    /// <summary>No pool has that name.</summary>
    public const string PoolNotFound = nameof(PoolNotFound);

    /// <summary>The primary coordinator changed meanwhile; nothing was written.</summary>
    public const string PrimaryChangedMeanwhile = nameof(PrimaryChangedMeanwhile);

    /// <summary>The cluster kept changing while a fenced node was recovered; nothing was written.</summary>
    public const string RecoveryWriteConflict = nameof(RecoveryWriteConflict);

    /// <summary>A request was larger than ZooKeeper accepts.</summary>
    public const string RequestTooLarge = nameof(RequestTooLarge);

    /// <summary>The cluster's schema version changed meanwhile; nothing was written.</summary>
    public const string SchemaVersionChanged = nameof(SchemaVersionChanged);

    /// <summary>The ZooKeeper session expired.</summary>
    public const string SessionExpired = nameof(SessionExpired);

    /// <summary>No snapshot has that name.</summary>
    public const string SnapshotNotFound = nameof(SnapshotNotFound);

    /// <summary>The node records no SR-IOV physical function of that name.</summary>
    public const string SriovPfNotFound = nameof(SriovPfNotFound);

    /// <summary>The node records no SR-IOV virtual function of that name.</summary>
    public const string SriovVfNotFound = nameof(SriovVfNotFound);

    /// <summary>The VM has no such tag.</summary>
    public const string TagNotFound = nameof(TagNotFound);

    /// <summary>The tag is not a user tag.</summary>
    public const string TagNotUser = nameof(TagNotUser);

    /// <summary>The tag is protected.</summary>
    public const string TagProtected = nameof(TagProtected);

    /// <summary>The VM has more vCPUs than the node.</summary>
    public const string TooManyVcpus = nameof(TooManyVcpus);

    /// <summary>The cluster's schema version is not one this version works with.</summary>
    public const string UnsupportedSchemaVersion = nameof(UnsupportedSchemaVersion);

    /// <summary>A VM's new XML has another UUID.</summary>
    public const string UuidMismatch = nameof(UuidMismatch);

    /// <summary>The VM is migrated already.</summary>
    public const string VmAlreadyMigrated = nameof(VmAlreadyMigrated);

    /// <summary>The VM is on that node already.</summary>
    public const string VmAlreadyOnNode = nameof(VmAlreadyOnNode);

    /// <summary>The VM changed meanwhile; nothing was written.</summary>
    public const string VmChangedMeanwhile = nameof(VmChangedMeanwhile);

    /// <summary>A VM has that name or UUID already.</summary>
    public const string VmExists = nameof(VmExists);

    /// <summary>The VM failed to start.</summary>
    public const string VmFailed = nameof(VmFailed);

    /// <summary>A restart waited for ended in another state than start: another change overtook it.</summary>
    public const string VmNotRestarted = nameof(VmNotRestarted);

    /// <summary>A start waited for ended in stop, shutdown or disable: another change overtook it.</summary>
    public const string VmNotStarted = nameof(VmNotStarted);

    /// <summary>The VM is a snapshot mirror; the change needs forcing.</summary>
    public const string VmIsMirror = nameof(VmIsMirror);

    /// <summary>The VM is being migrated; its state changes once the migration has ended.</summary>
    public const string VmMigrating = nameof(VmMigrating);

    /// <summary>There is no VM of that name or UUID.</summary>
    public const string VmNotFound = nameof(VmNotFound);

    /// <summary>The VM has no last node to return to.</summary>
    public const string VmNotMigrated = nameof(VmNotMigrated);

    /// <summary>The VM is not running.</summary>
    public const string VmNotRunning = nameof(VmNotRunning);

    /// <summary>The VM is not stopped; the change needs forcing.</summary>
    public const string VmNotStopped = nameof(VmNotStopped);

    /// <summary>The VM was renamed meanwhile; nothing was written.</summary>
    public const string VmRenamedMeanwhile = nameof(VmRenamedMeanwhile);

    /// <summary>A VM's rename with its volumes lost ZooKeeper around its commit: whether the VM's keys name the new volumes is not known.</summary>
    public const string VmRenameOutcomeUnknown = nameof(VmRenameOutcomeUnknown);

    /// <summary>The VM's rename would rename RBD volumes named after it, which only a cluster task on a node with Ceph can do.</summary>
    public const string VmVolumesNeedRenaming = nameof(VmVolumesNeedRenaming);

    /// <summary>The VM has no node.</summary>
    public const string VmWithoutNode = nameof(VmWithoutNode);

    /// <summary>The VM's stored XML cannot be read.</summary>
    public const string VmXmlInvalid = nameof(VmXmlInvalid);

    /// <summary>The VM has no stored XML.</summary>
    public const string VmXmlMissing = nameof(VmXmlMissing);

    /// <summary>No volume has that name.</summary>
    public const string VolumeNotFound = nameof(VolumeNotFound);

    /// <summary>A migration the node services ended without moving the VM (aborted, or failed).</summary>
    public const string MigrationAborted = nameof(MigrationAborted);

    /// <summary>The VM or its target changed after a migration was planned; nothing was written.</summary>
    public const string PlanChangedMeanwhile = nameof(PlanChangedMeanwhile);

    /// <summary>A wait for an outcome ran out.</summary>
    public const string WaitTimeout = nameof(WaitTimeout);

    /// <summary>The XML carries a document type declaration.</summary>
    public const string XmlDtdNotAllowed = nameof(XmlDtdNotAllowed);

    /// <summary>The XML is larger than PVC stores.</summary>
    public const string XmlTooLarge = nameof(XmlTooLarge);

    /// <summary>Ceph refused the call to this client.</summary>
    public const string CephAccessDenied = nameof(CephAccessDenied);

    /// <summary>A Ceph call failed (the message has Ceph's error).</summary>
    public const string CephCallFailed = nameof(CephCallFailed);

    /// <summary>A cephx keyring file has no usable key for the client.</summary>
    public const string CephKeyringInvalid = nameof(CephKeyringInvalid);

    /// <summary>Ceph refused an argument.</summary>
    public const string CephInvalidArgument = nameof(CephInvalidArgument);

    /// <summary>The Ceph cluster has no space for it.</summary>
    public const string CephNoSpace = nameof(CephNoSpace);

    /// <summary>The Ceph object is in use.</summary>
    public const string CephResourceBusy = nameof(CephResourceBusy);

    /// <summary>A Ceph call timed out.</summary>
    public const string CephTimeout = nameof(CephTimeout);

    /// <summary>No CRUSH rule of that name exists.</summary>
    public const string InvalidCrushRule = nameof(InvalidCrushRule);

    /// <summary>A placement group count is not a power of two Ceph accepts.</summary>
    public const string InvalidPlacementGroups = nameof(InvalidPlacementGroups);

    /// <summary>A replication setting is not copies=N,mincopies=M as PVC writes it.</summary>
    public const string InvalidReplication = nameof(InvalidReplication);

    /// <summary>A volume size is not a positive size Ceph accepts.</summary>
    public const string InvalidVolumeSize = nameof(InvalidVolumeSize);

    /// <summary>A pool of that name exists already.</summary>
    public const string PoolExists = nameof(PoolExists);

    /// <summary>A snapshot of that name exists already.</summary>
    public const string SnapshotExists = nameof(SnapshotExists);

    /// <summary>A volume of that name exists already.</summary>
    public const string VolumeExists = nameof(VolumeExists);

    /// <summary>A volume would shrink, which loses data; it needs forcing.</summary>
    public const string VolumeShrinkRefused = nameof(VolumeShrinkRefused);

    /// <summary>A volume would not fit in its pool's free space.</summary>
    public const string VolumeTooLarge = nameof(VolumeTooLarge);

    /// <summary>An image file's path is not an absolute path of plain characters (no "..", spaces, quotes or leading '-').</summary>
    public const string InvalidImagePath = nameof(InvalidImagePath);

    /// <summary>An image format is not one qemu-img converts for a volume upload (raw, qcow2, vmdk, qed, vdi, vpc).</summary>
    public const string InvalidImageFormat = nameof(InvalidImageFormat);

    /// <summary>An image file does not exist on the node that reads it, or is no regular file.</summary>
    public const string ImageNotFound = nameof(ImageNotFound);

    /// <summary>An image file is outside the hypervisors' directories the cluster allows host paths in (Set-PvcCluster -AllowDomainXmlPath).</summary>
    public const string ImagePathNotAllowed = nameof(ImagePathNotAllowed);

    /// <summary>An image refers to other files (a backing file, an external data file, vmdk extents): it would read them into the volume.</summary>
    public const string ImageHasBackingFile = nameof(ImageHasBackingFile);

    /// <summary>An image cannot be read or converted as the format it was given as.</summary>
    public const string ImageUnreadable = nameof(ImageUnreadable);

    /// <summary>The node's upload scratch directory (pvc.conf node.upload_directory) cannot be made or written.</summary>
    public const string UploadScratchUnavailable = nameof(UploadScratchUnavailable);

    /// <summary>An image's (virtual) size is larger than the volume it goes into.</summary>
    public const string ImageTooLarge = nameof(ImageTooLarge);

    /// <summary>A volume would take its pool past 80 % of its space (allowed with -Force, as PVC's --force).</summary>
    public const string PoolNearlyFull = nameof(PoolNearlyFull);

    /// <summary>The pool's usage has not been reported yet, so a size cannot be checked against it.</summary>
    public const string PoolUsageUnknown = nameof(PoolUsageUnknown);

    /// <summary>A volume is a disk of a defined VM (its rbdlist).</summary>
    public const string VolumeInUse = nameof(VolumeInUse);

    /// <summary>A pool still holds volumes (its removal destroys them: it needs -Force).</summary>
    public const string PoolNotEmpty = nameof(PoolNotEmpty);

    /// <summary>A size is not a number of bytes or a size in PVC's units (B, K, M, G, T, P).</summary>
    public const string InvalidSize = nameof(InvalidSize);

    /// <summary>The node a storage task runs on has no Ceph configured (pvc.conf's ceph section).</summary>
    public const string StorageNotConfigured = nameof(StorageNotConfigured);

    /// <summary>A cluster task's arguments are missing a value or hold one of the wrong kind.</summary>
    public const string InvalidTaskArguments = nameof(InvalidTaskArguments);
    /// <summary>A task id is not 8 hex digits.</summary>
    public const string InvalidTaskId = nameof(InvalidTaskId);

    /// <summary>A task kind is not of the form of ClusterTaskKinds.</summary>
    public const string InvalidTaskKind = nameof(InvalidTaskKind);

    /// <summary>No primary coordinator is elected (to route a task to).</summary>
    public const string NoPrimaryCoordinator = nameof(NoPrimaryCoordinator);

    /// <summary>A task failed without an error id of its own.</summary>
    public const string TaskFailed = nameof(TaskFailed);

    /// <summary>The node service that got the task has no handler for its kind (an older version).</summary>
    public const string TaskKindUnknown = nameof(TaskKindUnknown);

    /// <summary>The node of a task died (or its service restarted) and the task was not run again.</summary>
    public const string TaskNodeDied = nameof(TaskNodeDied);

    /// <summary>No task has that id.</summary>
    public const string TaskNotFound = nameof(TaskNotFound);

    /// <summary>A task's record cannot be read by this version.</summary>
    public const string TaskRecordInvalid = nameof(TaskRecordInvalid);

    /// <summary>A running task's record was changed by someone else (written off or handed over); its runner stops.</summary>
    public const string TaskTakenOver = nameof(TaskTakenOver);

    /// <summary>The task's node service stopped while it ran.</summary>
    public const string TaskCancelled = nameof(TaskCancelled);

    /// <summary>The tasks kept changing while being written; nothing was written.</summary>
    public const string TaskWriteConflict = nameof(TaskWriteConflict);

    /// <summary>A vCPU topology is not three positive numbers, or does not hold exactly the VM's vCPUs.</summary>
    public const string InvalidTopology = nameof(InvalidTopology);

    /// <summary>A vCPU count below one.</summary>
    public const string InvalidVcpus = nameof(InvalidVcpus);

    /// <summary>A memory size below 1 MiB.</summary>
    public const string InvalidMemory = nameof(InvalidMemory);

    /// <summary>The volume is a disk of the VM already.</summary>
    public const string VolumeAlreadyAttached = nameof(VolumeAlreadyAttached);

    /// <summary>The volume is not a disk of the VM.</summary>
    public const string VolumeNotAttached = nameof(VolumeNotAttached);

    /// <summary>The VM has no network interface on that network or with that MAC address.</summary>
    public const string NicNotFound = nameof(NicNotFound);

    /// <summary>The VM has several interfaces on that network: the MAC address says which.</summary>
    public const string NicAmbiguous = nameof(NicAmbiguous);

    /// <summary>A MAC address another interface in the cluster has already, or one that is not a unicast address.</summary>
    public const string MacAddressInUse = nameof(MacAddressInUse);

    /// <summary>A NIC model that is not one Pvc offers.</summary>
    public const string InvalidNicModel = nameof(InvalidNicModel);

    /// <summary>The VM's node (libvirt) refused a change of the running VM; the stored definition was not changed.</summary>
    public const string LiveChangeRefused = nameof(LiveChangeRefused);

    /// <summary>The VM's hypervisor cannot make that change on a running VM at all (libvirt's "not supported"): it is made at the next restart.</summary>
    public const string LiveChangeUnsupported = nameof(LiveChangeUnsupported);

    /// <summary>A live change that reached the VM's node after its deadline (the client had stopped waiting), or that the client cancelled before it ran: it was not made.</summary>
    public const string LiveChangeExpired = nameof(LiveChangeExpired);

    /// <summary>A live detach libvirt accepted but the guest did not complete in time (it still has the device): the stored definition keeps it.</summary>
    public const string LiveDetachNotDone = nameof(LiveDetachNotDone);

    /// <summary>The VM has no RBD disk to copy a new one from.</summary>
    public const string NoRbdDiskTemplate = nameof(NoRbdDiskTemplate);

    /// <summary>The guest device asked for is another disk's.</summary>
    public const string DiskTargetInUse = nameof(DiskTargetInUse);

    /// <summary>No guest device letter is free.</summary>
    public const string NoFreeDiskTarget = nameof(NoFreeDiskTarget);

    /// <summary>A disk bus PVC does not offer.</summary>
    public const string InvalidDiskBus = nameof(InvalidDiskBus);

    /// <summary>A guest device name that is not one.</summary>
    public const string InvalidDiskTarget = nameof(InvalidDiskTarget);

    /// <summary>A placement rule's name is not one (<see cref="Placement.PlacementRule.NameRule"/>).</summary>
    public const string InvalidPlacementRuleName = nameof(InvalidPlacementRuleName);

    /// <summary>A placement rule of that name exists already.</summary>
    public const string PlacementRuleExists = nameof(PlacementRuleExists);

    /// <summary>There is no placement rule of that name.</summary>
    public const string PlacementRuleNotFound = nameof(PlacementRuleNotFound);

    /// <summary>A placement rule names fewer than two distinct VMs.</summary>
    public const string PlacementRuleTooFewVms = nameof(PlacementRuleTooFewVms);

    /// <summary>A hard placement rule turns away every node that could otherwise take the VM; the message names the rule.</summary>
    public const string PlacementRuleUnmet = nameof(PlacementRuleUnmet);

    /// <summary>A storage benchmark's job name that is not 1 to 100 letters, digits, '-', '_', '.' or ':'.</summary>
    public const string InvalidBenchmarkName = nameof(InvalidBenchmarkName);

    /// <summary>A storage benchmark's runtime per job outside 1 s to 1 h, or a benchmark volume size outside 16 MiB to 1 TiB.</summary>
    public const string InvalidBenchmarkRuntime = nameof(InvalidBenchmarkRuntime);

    /// <summary>No storage benchmark has that job name.</summary>
    public const string StorageBenchmarkNotFound = nameof(StorageBenchmarkNotFound);

    /// <summary>A storage benchmark with that job name exists already.</summary>
    public const string StorageBenchmarkExists = nameof(StorageBenchmarkExists);

    /// <summary>The device holds no OSD with the id asked for (osd refresh).</summary>
    public const string OsdNotOnDevice = nameof(OsdNotOnDevice);

    /// <summary>The node has a volume group named osd-db already (PVC's create-db-vg makes it once per node).</summary>
    public const string OsdDbVolumeGroupExists = nameof(OsdDbVolumeGroupExists);
    /// <summary>The VM has a vm.remove task pending or running: it cannot be started until that task has ended.</summary>
    public const string VmBeingRemoved = nameof(VmBeingRemoved);

    /// <summary>A VM being removed with its volumes was not stopped (its state "stop" and no longer among its node's running VMs) within the deadline: nothing was deleted.</summary>
    public const string VmStopTimeout = nameof(VmStopTimeout);

    /// <summary>A VM being removed with its volumes runs again (or is no longer "stop") just before its volumes were to be deleted.</summary>
    public const string VmStillRunning = nameof(VmStillRunning);

    /// <summary>A volume's protected snapshot has clones (child images): the volume cannot be deleted before they are flattened or removed.</summary>
    public const string SnapshotHasClones = nameof(SnapshotHasClones);
}
