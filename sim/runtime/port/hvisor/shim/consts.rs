//! crate::consts — the constants the trampoline imports.
/// CPUs of the board; the bridge has room for 32.
pub const MAX_CPU_NUM: usize = 32;
/// Iterations of the wait loop between "backend is too slow" warnings (hvisor: 10^8).
pub const MAX_WAIT_TIMES: usize = 100_000_000;
pub const PAGE_SIZE: usize = 4096;
