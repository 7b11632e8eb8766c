//! crate::platform — board constants the trampoline names.
pub const IRQ_WAKEUP_VIRTIO_DEVICE: usize = 32 + 0x20;
pub const BOARD_NCPUS: usize = crate::consts::MAX_CPU_NUM;
