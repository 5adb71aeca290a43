using System.Buffers.Binary;

namespace Pvc.Testing.Lab;

/// <summary>
/// The smallest guest that shows it was not restarted: a 4 KiB multiboot kernel (QEMU loads it directly, no disk and
/// no BIOS boot) that programs the PC's timer to 100 Hz and counts its interrupts in a 64-bit counter at guest-physical
/// <see cref="CounterAddress"/>, halting in between (so it costs no CPU under TCG). The counter is the guest's uptime
/// in 10 ms ticks: after a live migration it goes on from where it was; a restarted guest starts again from 0.
/// </summary>
public static class TickGuest
{
    private const uint LoadAddress = 0x100000;
    private const uint Entry = LoadAddress + 0x40;
    private const uint Handler = LoadAddress + 0x100;
    private const uint IdtRegister = LoadAddress + 0x200;
    private const uint Idt = LoadAddress + 0x400;
    private const uint Counter = LoadAddress + 0x1000; // its own page, away from the code
    private const uint StackTop = LoadAddress + 0x2000;
    private const int Vectors = 48; // exceptions and the PIC's 16 interrupts, remapped to 0x20-0x2f

    /// <summary>The counter's guest-physical address (8 bytes, little-endian).</summary>
    public const ulong CounterAddress = Counter;

    /// <summary>Counter ticks a second.</summary>
    public const int TicksPerSecond = 100;

    /// <summary>Writes the kernel image to <paramref name="path"/>.</summary>
    public static void WriteImage(string path) => File.WriteAllBytes(path, Image());

    /// <summary>The kernel image: a multiboot header (load addresses given, no ELF), the start code, the handler and the IDT.</summary>
    public static byte[] Image()
    {
        var image = new byte[0x1000];
        const uint magic = 0x1BADB002, flags = 0x00010000; // flags: the header gives the load addresses
        uint[] header = [magic, flags, unchecked(0u - magic - flags), LoadAddress, LoadAddress, 0 /* load the whole file */, StackTop /* bss end */, Entry];
        for (var i = 0; i < header.Length; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(i * 4), header[i]);

        // 32-bit protected mode, interrupts off, flat segments, as multiboot leaves it; no stack yet
        byte[] start =
        [
            0xBC, .. U32(StackTop),                   // mov esp, StackTop
            0x66, 0x8C, 0xC8,                         // mov ax, cs        (the loader's code selector, for the gates)
            0xBF, .. U32(Idt),                        // mov edi, Idt
            0xB9, .. U32(Vectors),                    // mov ecx, Vectors
            0x66, 0x89, 0x47, 0x02,                   // fill: mov [edi+2], ax
            0x83, 0xC7, 0x08,                         // add edi, 8
            0xE2, 0xF7,                               // loop fill
            0x0F, 0x01, 0x1D, .. U32(IdtRegister),    // lidt [IdtRegister]
            0xB0, 0x11, 0xE6, 0x20, 0xE6, 0xA0,       // PIC ICW1 to both
            0xB0, 0x20, 0xE6, 0x21,                   // ICW2: master at vector 0x20
            0xB0, 0x28, 0xE6, 0xA1,                   //       slave at 0x28
            0xB0, 0x04, 0xE6, 0x21,                   // ICW3: slave on IRQ2
            0xB0, 0x02, 0xE6, 0xA1,
            0xB0, 0x01, 0xE6, 0x21, 0xE6, 0xA1,       // ICW4: 8086 mode
            0xB0, 0xFE, 0xE6, 0x21,                   // mask all but IRQ0 (the timer)
            0xB0, 0xFF, 0xE6, 0xA1,
            0xB0, 0x34, 0xE6, 0x43,                   // PIT channel 0, rate generator
            0xB0, 0x9C, 0xE6, 0x40,                   // divisor 11932 (1193182 Hz / 100), low byte
            0xB0, 0x2E, 0xE6, 0x40,                   //   high byte
            0xFB,                                     // sti
            0xF4, 0xEB, 0xFD,                         // idle: hlt; jmp idle
        ];
        start.CopyTo(image, Entry - LoadAddress);

        byte[] handler =
        [
            0x83, 0x05, .. U32(Counter), 0x01,        // add dword [Counter], 1
            0x83, 0x15, .. U32(Counter + 4), 0x00,    // adc dword [Counter+4], 0
            0x50,                                     // push eax
            0xB0, 0x20, 0xE6, 0x20,                   // end of interrupt to the master PIC
            0x58,                                     // pop eax
            0xCF,                                     // iret
        ];
        handler.CopyTo(image, Handler - LoadAddress);

        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan((int)(IdtRegister - LoadAddress)), Vectors * 8 - 1);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan((int)(IdtRegister - LoadAddress) + 2), Idt);
        for (var v = 0; v < Vectors; v++)
        {
            // a 32-bit interrupt gate to the handler; the selector is filled in at run time
            var gate = image.AsSpan((int)(Idt - LoadAddress) + v * 8, 8);
            BinaryPrimitives.WriteUInt16LittleEndian(gate, (ushort)(Handler & 0xFFFF));
            gate[5] = 0x8E;
            BinaryPrimitives.WriteUInt16LittleEndian(gate[6..], (ushort)(Handler >> 16));
        }
        return image;
    }

    /// <summary>The counter from the 8 bytes read at <see cref="CounterAddress"/>.</summary>
    public static ulong ReadCounter(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt64LittleEndian(bytes);

    /// <summary>
    /// The guest's domain XML as PVC stores it, for KVM (<c>type='kvm'</c>, <c>/usr/bin/kvm</c>); a TCG host adapts the
    /// type when it starts it. 128 MiB, one vCPU, no network, and no disk unless <paramref name="devices"/> adds one
    /// (the guest never reads it: QEMU opens it, and migrates and resizes it, all the same).
    /// </summary>
    public static string Xml(Guid uuid, string name, string imagePath, string devices = "") => $"""
        <domain type='kvm'>
          <name>{name}</name>
          <uuid>{uuid}</uuid>
          <description>lab guest {name}: counts timer ticks</description>
          <memory unit='MiB'>128</memory>
          <vcpu>1</vcpu>
          <os><type arch='x86_64' machine='pc'>hvm</type><kernel>{imagePath}</kernel></os>
          <clock offset='utc'/>
          <on_poweroff>destroy</on_poweroff>
          <on_reboot>restart</on_reboot>
          <on_crash>destroy</on_crash>
          <devices>
            <emulator>/usr/bin/kvm</emulator>
            {devices}
            <memballoon model='none'/>
          </devices>
        </domain>
        """;

    /// <summary>
    /// An RBD disk as PVC's VMs have them: the image <paramref name="volume"/> (<c>pool/name</c>) through QEMU's librbd,
    /// the monitor <paramref name="monitor"/>:<paramref name="port"/> (its messenger v1 port), cephx as
    /// <paramref name="user"/> with the libvirt Ceph secret <paramref name="secret"/>; virtio, guest device
    /// <paramref name="target"/>.
    /// </summary>
    public static string RbdDisk(string volume, string monitor, int port, string user, Guid secret, string target = "vda") => $"""
        <disk type='network' device='disk'>
              <driver name='qemu' type='raw' cache='none'/>
              <auth username='{user}'><secret type='ceph' uuid='{secret}'/></auth>
              <source protocol='rbd' name='{volume}'><host name='{monitor}' port='{port}'/></source>
              <target dev='{target}' bus='virtio'/>
            </disk>
        """;

    private static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }
}
