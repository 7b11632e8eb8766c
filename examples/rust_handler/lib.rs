//! examples/rust_handler/lib.rs — a hypervisor MMIO handler written in Rust,
//! shaped like hvisor's `mmio_virtio_handler`, exported with `extern "C"` and
//! linked into hvsim as a static library (`hvsim run --hv-lib librust_handler.a`).
//!
//! No Cargo, no std:
//!
//!   rustc --edition 2021 --crate-type staticlib --crate-name rust_handler \
//!         -C opt-level=2 -C panic=abort --target x86_64-unknown-linux-gnu \
//!         [--cfg wait_volatile] lib.rs -o librust_handler.a
//!
//! Two wait loops, chosen at build time:
//!   default              `while unsafe { *p } == old { spin_loop() }`  — a plain read
//!                        through a raw pointer, with a spin hint
//!   --cfg wait_volatile  `while read_volatile(p) == old { spin_loop() }` — volatile
//!   --cfg relax_none     drop spin_loop() from the loop (riscv64 without Zihintpause)
//!
//! This is NOT hvisor's loop.  hvisor's pre-fix loop has no spin hint (a
//! counter and a log every 10^8 iterations) and reads `cfg_flags[cpu_id]`
//! through a `&[u64]`, which rustc folds: that loop has no exit and hangs at
//! opt-level 1, 2, 3 and s, spin hint or not.  To run hvisor's own file, use
//! `hvsim port hvisor` (docs/porting.md).
//!
//! The bridge layout below mirrors <hvsim/bridge.h> (HVSIM_PLATFORM_VERSION 1,
//! current upstream layout: 32 CPUs, 8 devices, u64 cfg_flags).  The size
//! assertions make a layout mismatch a compile error, as in the C header.
//! See docs/porting.md for the mapping from hvisor's Rust code.
#![no_std]
#![allow(clippy::missing_safety_doc)]

/* The library's own build, for hvsim's labels and `expect ... when lib-opt=`
 * (sim/build/libinfo.h): "hvsim-build: opt-level=N" in a .hvsim_build
 * section (rustc's version is in .comment).  build.sh sets HVSIM_OPT_LEVEL. */
const HVSIM_OPT: &str = match option_env!("HVSIM_OPT_LEVEL") {
    Some(s) => s,
    None => "unknown",
};
const fn hvsim_build_label() -> [u8; 40] {
    let p = b"hvsim-build: opt-level=";
    let o = HVSIM_OPT.as_bytes();
    let mut a = [0u8; 40];
    let mut i = 0;
    while i < p.len() {
        a[i] = p[i];
        i += 1;
    }
    let mut j = 0;
    while j < o.len() && i < 39 {
        a[i] = o[j];
        i += 1;
        j += 1;
    }
    a
}
#[used]
#[link_section = ".hvsim_build"]
static HVSIM_BUILD: [u8; 40] = hvsim_build_label();

use core::ptr::{addr_of, addr_of_mut, read_volatile};
use core::sync::atomic::{fence, AtomicBool, AtomicU32, AtomicU8, Ordering};

/// The platform version this file was written against (see <hvsim/platform.h>).
pub const HVSIM_PLATFORM_VERSION: u32 = 1;

const MAX_REQ: u32 = 32;
const MAX_CPUS: usize = 32;
const MAX_DEVS: usize = 8;
const VIRTIO_MMIO_WINDOW: u64 = 0x200;
const VIRTIO_MMIO_QUEUE_NOTIFY: u64 = 0x050;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct DeviceReq {
    src_cpu: u64,
    address: u64,
    size: u64,
    value: u64,
    src_zone: u32,
    is_write: u8,
    need_interrupt: u8,
    pad: u16,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct DeviceRes {
    target_zone: u32,
    irq_id: u32,
}

#[repr(C)]
pub struct VirtioBridge {
    req_front: u32,
    req_rear: u32,
    res_front: u32,
    res_rear: u32,
    req_list: [DeviceReq; MAX_REQ as usize],
    res_list: [DeviceRes; MAX_REQ as usize],
    cfg_flags: [u64; MAX_CPUS],
    cfg_values: [u64; MAX_CPUS],
    mmio_addrs: [u64; MAX_DEVS],
    mmio_avail: u8,
    need_wakeup: u8,
}

const _: () = assert!(core::mem::size_of::<DeviceReq>() == 40);
const _: () = assert!(core::mem::size_of::<DeviceRes>() == 8);
const _: () = assert!(core::mem::size_of::<VirtioBridge>() == 2136);

// enum hvsim_site (a C enum: an int)
const HVSIM_SITE_HV_BEFORE_PUSH: u32 = 0;
const HVSIM_SITE_HV_PUBLISH: u32 = 1;
const HVSIM_SITE_HV_BEFORE_IPI: u32 = 2;

extern "C" {
    fn hvsim_bridge() -> *mut VirtioBridge;
    fn hvsim_this_cpu() -> u32;
    fn hvsim_ncpus() -> u32;
    fn hvsim_ipi_zone0();
    fn hvsim_inject_irq(cpu: u32, irq_id: u32);
    fn hvsim_delay(site: u32);
    fn abort() -> !;
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    unsafe { abort() }
}

/// The precompiled `core` of the stable toolchain is built with unwinding and
/// refers to this symbol; with `-C panic=abort` nothing ever calls it.  (A
/// std staticlib would not need it, but would need `-lgcc_s -lc` and more.)
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}

#[inline(always)]
fn ring_next(i: u32) -> u32 {
    (i + 1) % MAX_REQ
}

#[inline(always)]
unsafe fn at_u32<'a>(p: *mut u32) -> &'a AtomicU32 {
    AtomicU32::from_ptr(p)
}

/// hv-private request-ring lock (hvisor: a spin::Mutex around the push).
static REQ_LOCK: AtomicBool = AtomicBool::new(false);

unsafe fn push_request(b: *mut VirtioBridge, r: &DeviceReq) {
    let mut backoff: u32 = 1;
    let mut rear;
    loop {
        hvsim_delay(HVSIM_SITE_HV_BEFORE_PUSH);
        while REQ_LOCK
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            core::hint::spin_loop();
        }
        rear = at_u32(addr_of_mut!((*b).req_rear)).load(Ordering::Relaxed);
        let front = at_u32(addr_of_mut!((*b).req_front)).load(Ordering::Acquire);
        if ring_next(rear) != front {
            break;
        }
        REQ_LOCK.store(false, Ordering::Release);
        for _ in 0..backoff {
            core::hint::spin_loop();
        }
        if backoff < 1024 {
            backoff *= 2;
        }
    }
    let slot = addr_of_mut!((*b).req_list[rear as usize]);
    slot.write(*r);
    hvsim_delay(HVSIM_SITE_HV_PUBLISH);
    at_u32(addr_of_mut!((*b).req_rear)).store(ring_next(rear), Ordering::Release);
    REQ_LOCK.store(false, Ordering::Release);
}

/// The relax hint inside the wait loop: Rust's spin_loop (`pause` on x86_64,
/// `isb` on aarch64, nothing on riscv64 without Zihintpause), or nothing at
/// all with `--cfg relax_none` (what riscv64 gets; the control experiment).
#[inline(always)]
fn relax() {
    #[cfg(not(relax_none))]
    core::hint::spin_loop();
}

/// A plain read through a raw pointer (not hvisor's loop: see the top of the file).
#[cfg(not(wait_volatile))]
#[inline(never)]
unsafe fn wait_for_response(b: *mut VirtioBridge, cpu: usize, old: u64) -> u64 {
    let p = addr_of!((*b).cfg_flags[cpu]);
    while unsafe { *p } == old {
        relax();
    }
    fence(Ordering::Acquire);
    read_volatile(addr_of!((*b).cfg_values[cpu]))
}

/// The fix: a volatile read every iteration.
#[cfg(wait_volatile)]
#[inline(never)]
unsafe fn wait_for_response(b: *mut VirtioBridge, cpu: usize, old: u64) -> u64 {
    let p = addr_of!((*b).cfg_flags[cpu]);
    while read_volatile(p) == old {
        relax();
    }
    fence(Ordering::Acquire);
    read_volatile(addr_of!((*b).cfg_values[cpu]))
}

#[no_mangle]
pub unsafe extern "C" fn hv_mmio_access(addr: u64, size: u32, is_write: i32, value: u64) -> u64 {
    let b = hvsim_bridge();
    let cpu = hvsim_this_cpu() as usize;
    if cpu >= MAX_CPUS {
        abort();
    }
    let is_notify = is_write != 0 && addr % VIRTIO_MMIO_WINDOW == VIRTIO_MMIO_QUEUE_NOTIFY;
    let mut old = 0u64;
    if !is_notify {
        old = read_volatile(addr_of!((*b).cfg_flags[cpu]));
        fence(Ordering::Acquire);
    }
    let r = DeviceReq {
        src_cpu: cpu as u64,
        address: addr,
        size: size as u64,
        value,
        src_zone: cpu as u32 + 1, // hvsim_zone_of_cpu
        is_write: (is_write != 0) as u8,
        need_interrupt: is_notify as u8,
        pad: 0,
    };
    push_request(b, &r);
    // hvisor: fence(SeqCst) then `if need_wakeup { send IPI to zone0 }`
    fence(Ordering::SeqCst);
    if AtomicU8::from_ptr(addr_of_mut!((*b).need_wakeup)).load(Ordering::Relaxed) != 0 {
        hvsim_delay(HVSIM_SITE_HV_BEFORE_IPI);
        hvsim_ipi_zone0();
    }
    if is_notify {
        return 0;
    }
    wait_for_response(b, cpu, old)
}

/// FINISH_REQ: drain res_list and inject one IRQ per (cpu, irq) per drain.
#[no_mangle]
pub unsafe extern "C" fn hv_finish_req() {
    let b = hvsim_bridge();
    let ncpus = hvsim_ncpus().min(MAX_CPUS as u32);
    let mut pending = [[0u32; 8]; MAX_CPUS];
    let mut npending = [0usize; MAX_CPUS];
    let front_p = at_u32(addr_of_mut!((*b).res_front));
    let rear_p = at_u32(addr_of_mut!((*b).res_rear));
    let mut front = front_p.load(Ordering::Relaxed);
    while front != rear_p.load(Ordering::Acquire) {
        let res = addr_of!((*b).res_list[(front % MAX_REQ) as usize]).read();
        front = ring_next(front);
        front_p.store(front, Ordering::Release);
        let cpu = res.target_zone.wrapping_sub(1); // hvsim_cpu_of_zone
        if cpu >= ncpus {
            continue;
        }
        let c = cpu as usize;
        if !pending[c][..npending[c]].contains(&res.irq_id) && npending[c] < 8 {
            pending[c][npending[c]] = res.irq_id;
            npending[c] += 1;
        }
    }
    for c in 0..ncpus as usize {
        for i in 0..npending[c] {
            hvsim_inject_irq(c as u32, pending[c][i]);
        }
    }
}
