//! crate::device::irqchip — guest IRQ injection on the calling CPU.
pub fn inject_irq(irq_id: usize, _is_hardware: bool) {
    unsafe {
        let cpu = crate::hvsim_ffi::hvsim_this_cpu();
        crate::hvsim_ffi::hvsim_inject_irq(cpu, irq_id as u32)
    }
}
