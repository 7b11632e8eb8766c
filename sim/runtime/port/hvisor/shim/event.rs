//! crate::event — inter-CPU events.  The one the trampoline sends, "wake up
//! the virtio device", is the IPI to zone0 whose kernel module wakes the
//! daemon: hvsim_ipi_zone0().  Other events have no meaning in hvsim.
pub const IPI_EVENT_WAKEUP: usize = 0;
pub const IPI_EVENT_SHUTDOWN: usize = 1;
pub const IPI_EVENT_VIRTIO_INJECT_IRQ: usize = 2;
pub const IPI_EVENT_WAKEUP_VIRTIO_DEVICE: usize = 3;

pub fn send_event(_cpu_id: usize, _ipi_int_id: usize, event_id: usize) {
    if event_id == IPI_EVENT_WAKEUP_VIRTIO_DEVICE {
        unsafe { crate::hvsim_ffi::hvsim_ipi_zone0() }
    }
}
