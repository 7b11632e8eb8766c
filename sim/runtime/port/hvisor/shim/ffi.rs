//! <hvsim/platform.h>, as the shim calls it.  Pointers to the bridge are raw
//! addresses: the trampoline has its own `VirtioBridge` type.
#[repr(C)]
pub struct HvsimDevice {
    pub base: u64,
    pub device_id: u32,
    pub vendor_id: u32,
    pub queue_num_max: u32,
    pub irq_id: u32,
    pub features: u64,
    pub config: [u8; 64],
    pub irq_cpu: u32, // platform version 3: the CPU the guest routed the IRQ to, or !0
}
extern "C" {
    pub fn hvsim_bridge() -> *mut u8;
    pub fn hvsim_this_cpu() -> u32;
    pub fn hvsim_ncpus() -> u32;
    pub fn hvsim_ipi_zone0();
    pub fn hvsim_inject_irq(cpu: u32, irq_id: u32);
    pub fn hvsim_ndevices() -> u32;
    pub fn hvsim_device(i: u32) -> *const HvsimDevice;
    pub fn abort() -> !;
    pub fn write(fd: i32, buf: *const u8, n: usize) -> isize;
}
