//! crate::hypercall — only the IPI interrupt id the trampoline names.
pub const SGI_IPI_ID: usize = 7;
