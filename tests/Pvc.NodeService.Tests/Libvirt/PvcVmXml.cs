namespace Pvc.NodeService.Tests.Libvirt;

/// <summary>A VM definition as PVC stores it: KVM, an rbd disk, a bridge on vmbr100, a serial console with a log file.</summary>
public static class PvcVmXml
{
    public static string Create(string name, Guid uuid) => $"""
        <domain type='kvm'>
          <name>{name}</name>
          <uuid>{uuid}</uuid>
          <description>Testing VM</description>
          <memory unit='MiB'>1024</memory>
          <vcpu>2</vcpu>
          <cpu mode='host-model'><topology sockets='1' cores='2' threads='1'/></cpu>
          <os>
            <type arch='x86_64' machine='pc-i440fx-2.7'>hvm</type>
            <boot dev='hd'/>
          </os>
          <features><acpi/><apic/><pae/></features>
          <clock offset='utc'/>
          <on_poweroff>destroy</on_poweroff>
          <on_reboot>restart</on_reboot>
          <on_crash>restart</on_crash>
          <devices>
            <emulator>/usr/bin/kvm</emulator>
            <controller type='usb' index='0'/>
            <controller type='pci' index='0' model='pci-root'/>
            <controller type='scsi' index='0' model='virtio-scsi'/>
            <serial type='pty'>
              <log file='/var/log/libvirt/{name}.log' append='on'/>
            </serial>
            <console type='pty'/>
            <disk type='network' device='disk'>
              <driver name='qemu' discard='unmap'/>
              <source protocol='rbd' name='vms/{name}_disk0'>
                <host name='hv1' port='6789'/>
                <host name='hv2' port='6789'/>
              </source>
              <auth username='libvirt'>
                <secret type='ceph' uuid='f0f0f0f0-0000-0000-0000-000000000000'/>
              </auth>
              <target dev='sda' bus='scsi'/>
            </disk>
            <interface type='bridge'>
              <mac address='52:54:00:12:34:56'/>
              <source bridge='vmbr100'/>
              <model type='virtio'/>
            </interface>
            <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>
            <video><model type='cirrus'/></video>
            <rng model='virtio'><backend model='random'>/dev/random</backend></rng>
            <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
            <memballoon model='virtio'/>
          </devices>
        </domain>
        """;
}
