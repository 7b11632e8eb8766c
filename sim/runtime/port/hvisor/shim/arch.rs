//! crate::arch — hvisor's per-architecture CPU helpers, on hvsim's CPUs.
pub mod cpu {
    /// The physical CPU whose guest trapped (one hvsim thread per CPU).
    pub fn this_cpu_id() -> usize {
        unsafe { crate::hvsim_ffi::hvsim_this_cpu() as usize }
    }
    /// The CPU an IRQ is routed to; zone0's daemon runs on CPU 0 in hvisor.
    pub fn get_target_cpu(_irq: usize, _zone_id: usize) -> usize {
        0
    }
}
