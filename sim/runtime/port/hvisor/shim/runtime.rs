//! The runtime pieces a no_std staticlib needs (panic handler, allocator,
//! rust_eh_personality) and hvsim's entry points mapped onto hvisor's handler.
use crate::hvsim_ffi as ffi;
use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    error!("panic: {}", info);
    unsafe { ffi::abort() }
}

/// The stable toolchain's precompiled `core` refers to this symbol even with
/// `-C panic=abort`; nothing calls it.
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}

/// A bump allocator over a static arena (hvisor's heap holds a few maps;
/// nothing is freed during a run).
struct Bump;
const ARENA: usize = 1 << 20;
static mut HEAP: [u8; ARENA] = [0; ARENA];
static NEXT: AtomicUsize = AtomicUsize::new(0);
unsafe impl core::alloc::GlobalAlloc for Bump {
    unsafe fn alloc(&self, l: core::alloc::Layout) -> *mut u8 {
        let mut cur = NEXT.load(Ordering::Relaxed);
        loop {
            let start = (cur + l.align() - 1) & !(l.align() - 1);
            if start + l.size() > ARENA {
                return core::ptr::null_mut();
            }
            match NEXT.compare_exchange(cur, start + l.size(), Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return (core::ptr::addr_of_mut!(HEAP) as *mut u8).add(start),
                Err(n) => cur = n,
            }
        }
    }
    unsafe fn dealloc(&self, _: *mut u8, _: core::alloc::Layout) {}
}
#[global_allocator]
static GLOBAL: Bump = Bump;

/// hvisor sets the bridge's base address in its HV_VIRTIO_INIT hypercall;
/// hvsim has no such call, so the first trap on any CPU does it (once).
static INIT: AtomicU32 = AtomicU32::new(0);
fn init_once() {
    if INIT.load(Ordering::Acquire) == 2 {
        return;
    }
    if INIT.compare_exchange(0, 1, Ordering::Acquire, Ordering::Acquire).is_ok() {
        crate::hvsim_init_bridge(unsafe { ffi::hvsim_bridge() } as usize);
        INIT.store(2, Ordering::Release);
    }
    while INIT.load(Ordering::Acquire) != 2 {
        core::hint::spin_loop();
    }
}

const WINDOW: u64 = 0x200;

/// The device window holding addr: its base from the scenario's devices,
/// or the 0x200-aligned window for an address no device owns.
fn window_base(addr: u64) -> u64 {
    unsafe {
        for i in 0..ffi::hvsim_ndevices() {
            let d = &*ffi::hvsim_device(i);
            if addr >= d.base && addr < d.base + WINDOW {
                return d.base;
            }
        }
    }
    addr & !(WINDOW - 1)
}

/// hvsim's trap → hvisor's `mmio_virtio_handler(&mut MMIOAccess, base)`:
/// offset and base instead of an absolute address, and only `size` bytes of
/// the value go back to the guest register, as hvisor's instruction emulation
/// writes them.
#[no_mangle]
pub extern "C" fn hv_mmio_access(addr: u64, size: u32, is_write: i32, value: u64) -> u64 {
    init_once();
    let base = window_base(addr);
    let mut mmio = crate::memory::MMIOAccess {
        address: (addr - base) as usize,
        size: size as usize,
        is_write: is_write != 0,
        value: value as usize,
    };
    if crate::device::virtio_trampoline::mmio_virtio_handler(&mut mmio, base as usize).is_err() {
        error!("mmio_virtio_handler failed at {:#x}", addr);
        return 0;
    }
    let v = mmio.value as u64;
    if size >= 8 { v } else { v & ((1u64 << (8 * size)) - 1) }
}

// struct virtio_bridge offsets (DESIGN.md §1, current layout)
const RES_FRONT: usize = 8;
const RES_REAR: usize = 12;
const RES_LIST: usize = 1296;
const MAX_REQ: u32 = 32;

/// FINISH_REQ.  hvisor serves it in hypercall.rs (not in the trampoline):
/// drain res_list and inject each result's IRQ on the CPU of its zone.
#[no_mangle]
pub extern "C" fn hv_finish_req() {
    unsafe {
        let b = ffi::hvsim_bridge();
        let front = &*(b.add(RES_FRONT) as *const AtomicU32);
        let rear = &*(b.add(RES_REAR) as *const AtomicU32);
        let mut f = front.load(Ordering::Relaxed);
        while f != rear.load(Ordering::Acquire) {
            let slot = b.add(RES_LIST + 8 * f as usize) as *const u32;
            let zone = core::ptr::read_volatile(slot);
            let irq = core::ptr::read_volatile(slot.add(1));
            f = (f + 1) & (MAX_REQ - 1);
            front.store(f, Ordering::Release);
            if zone >= 1 && zone - 1 < ffi::hvsim_ncpus() {
                // where the guest routed the device's interrupt (scenario irq-cpu)
                let mut cpu = zone - 1;
                for i in 0..ffi::hvsim_ndevices() {
                    let d = &*ffi::hvsim_device(i);
                    if d.irq_id == irq && d.irq_cpu != u32::MAX {
                        cpu = d.irq_cpu;
                    }
                }
                ffi::hvsim_inject_irq(cpu, irq);
            }
        }
    }
}
