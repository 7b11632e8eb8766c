//! crate::memory — the trapped access, as hvisor's MMIO dispatch passes it:
//! `address` is the offset in the device's window on entry (the handler adds
//! `base`); `value` is the written value, or the read value on return.
pub type GuestPhysAddr = usize;
#[derive(Debug)]
pub struct MMIOAccess {
    pub address: GuestPhysAddr,
    pub size: usize,
    pub is_write: bool,
    pub value: usize,
}
