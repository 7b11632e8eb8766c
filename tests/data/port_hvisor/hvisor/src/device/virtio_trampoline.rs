// tests/data/port_hvisor/hvisor/src/device/virtio_trampoline.rs — hand-written
// for hvsim's tests in the SHAPE of hvisor's trampoline before its volatile
// fix (module paths it imports, a spin::Mutex'd bridge region, the wait loop
// with a counter, a warning every MAX_WAIT_TIMES iterations and no spin hint,
// `cfg_flags[cpu_id]` read through the same `&[u64]` before and in the loop).
// Not hvisor's code.  test_port_hvisor.sh derives the fixed file from it.
use crate::arch::cpu::{get_target_cpu, this_cpu_id};
use crate::consts::{MAX_CPU_NUM, MAX_WAIT_TIMES};
use crate::device::irqchip::inject_irq;
use crate::error::HvResult;
use crate::event::{send_event, IPI_EVENT_WAKEUP_VIRTIO_DEVICE};
use crate::hypercall::SGI_IPI_ID;
use crate::memory::MMIOAccess;
use crate::platform::IRQ_WAKEUP_VIRTIO_DEVICE;
use crate::zone::this_zone_id;
use alloc::collections::BTreeMap;
use core::sync::atomic::{fence, Ordering};
use spin::Mutex;

const NOTIFY_OFFSET: usize = 0x50;
pub const REQ_SLOTS: u32 = 32;
pub const DEVS: usize = 8;
pub const CPUS: usize = 32;

/// Per CPU, the IRQs waiting to be injected: [count, irq...].
pub static PENDING_IRQS: Mutex<BTreeMap<usize, [u64; DEVS + 1]>> = Mutex::new(BTreeMap::new());
pub static VIRTIO_BRIDGE: Mutex<VirtioBridgeRegion> = Mutex::new(VirtioBridgeRegion::empty());

pub fn mmio_virtio_handler(mmio: &mut MMIOAccess, base: usize) -> HvResult {
    let is_notify = if mmio.address == NOTIFY_OFFSET { 1 } else { 0 };
    if is_notify == 1 {
        trace!("queue notify from cpu {}", this_cpu_id());
    }
    mmio.address += base;
    let mut region = VIRTIO_BRIDGE.lock();
    while region.req_full() {
        drop(region);
        region = VIRTIO_BRIDGE.lock();
    }
    let req = DeviceRequest::new(
        this_cpu_id() as u64,
        mmio.address as u64,
        mmio.size as u64,
        mmio.value as u64,
        this_zone_id() as u32,
        mmio.is_write,
        is_notify,
    );
    let (cfg_flags, cfg_values) = unsafe {
        (
            core::slice::from_raw_parts(region.cfg_flags_ptr(), MAX_CPU_NUM),
            core::slice::from_raw_parts(region.cfg_values_ptr(), MAX_CPU_NUM),
        )
    };
    let cpu_id = this_cpu_id() as usize;
    let old_cfg_flag = cfg_flags[cpu_id];
    region.push(req);
    if region.need_wakeup() {
        debug!("daemon asleep: waking it");
        send_event(
            get_target_cpu(IRQ_WAKEUP_VIRTIO_DEVICE, 0),
            SGI_IPI_ID,
            IPI_EVENT_WAKEUP_VIRTIO_DEVICE,
        );
    }
    drop(region);
    let mut count: usize = 0;
    if is_notify == 0 {
        while cfg_flags[cpu_id] == old_cfg_flag {
            count += 1;
            if count == MAX_WAIT_TIMES {
                warn!("backend slow: addr {:#x} write {}", mmio.address, mmio.is_write);
                fence(Ordering::Acquire);
            }
            if count == MAX_WAIT_TIMES * 10 {
                error!("backend stuck? addr {:#x} write {}", mmio.address, mmio.is_write);
                count = 0;
            }
        }
        if !mmio.is_write {
            mmio.value = cfg_values[cpu_id] as usize;
        }
    }
    Ok(())
}

/// Injects the IRQs queued for this CPU (the SGI handler's half).
pub fn inject_pending_irqs() {
    let mut map = PENDING_IRQS.lock();
    if let Some(list) = map.get_mut(&this_cpu_id()) {
        let n = list[0] as usize;
        for irq in list[1..=n].iter() {
            inject_irq(*irq as usize, false);
        }
        list[0] = 0;
    }
}

pub struct VirtioBridgeRegion {
    base: usize,
    enabled: bool,
}

impl VirtioBridgeRegion {
    pub const fn empty() -> Self {
        VirtioBridgeRegion { base: 0, enabled: false }
    }
    pub fn set_base_addr(&mut self, base: usize) {
        self.base = base;
        self.enabled = true;
    }
    fn bridge(&self) -> &mut VirtioBridge {
        if !self.enabled {
            panic!("virtio bridge is not set up");
        }
        unsafe { &mut *(self.base as *mut VirtioBridge) }
    }
    pub fn req_full(&self) -> bool {
        let b = self.bridge();
        (b.req_rear + 1) & (REQ_SLOTS - 1) == b.req_front
    }
    pub fn push(&mut self, req: DeviceRequest) {
        let b = self.bridge();
        b.req_list[(b.req_rear % REQ_SLOTS) as usize] = req;
        fence(Ordering::SeqCst);
        b.req_rear = (b.req_rear + 1) % REQ_SLOTS;
    }
    pub fn need_wakeup(&self) -> bool {
        fence(Ordering::SeqCst);
        self.bridge().need_wakeup == 1
    }
    pub fn cfg_flags_ptr(&self) -> *const u64 {
        self.bridge().cfg_flags.as_ptr()
    }
    pub fn cfg_values_ptr(&self) -> *const u64 {
        self.bridge().cfg_values.as_ptr()
    }
}

#[repr(C)]
pub struct VirtioBridge {
    pub req_front: u32,
    pub req_rear: u32,
    pub res_front: u32,
    pub res_rear: u32,
    pub req_list: [DeviceRequest; REQ_SLOTS as usize],
    pub res_list: [DeviceResult; REQ_SLOTS as usize],
    pub cfg_flags: [u64; CPUS],
    pub cfg_values: [u64; CPUS],
    pub mmio_addrs: [u64; DEVS],
    pub mmio_avail: u8,
    pub need_wakeup: u8,
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct DeviceRequest {
    src_cpu: u64,
    address: u64,
    size: u64,
    value: u64,
    src_zone: u32,
    is_write: u8,
    need_interrupt: u8,
    padding: u16,
}

impl DeviceRequest {
    pub fn new(src_cpu: u64, address: u64, size: u64, value: u64, src_zone: u32,
               is_write: bool, need_interrupt: u8) -> Self {
        DeviceRequest { src_cpu, address, size, value, src_zone,
                        is_write: is_write as u8, need_interrupt, padding: 0 }
    }
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct DeviceResult {
    pub target_zone: u32,
    pub irq_id: u32,
}

const _: () = assert!(core::mem::size_of::<DeviceRequest>() == 40);
const _: () = assert!(core::mem::size_of::<VirtioBridge>() == 2136);
