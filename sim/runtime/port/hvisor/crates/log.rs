//! hvsim's stand-in for the `log` crate, with the macros hvisor uses.
//! Like `log`, each macro tests a runtime max level (a relaxed atomic load)
//! and calls an out-of-line function: a `warn!` inside a wait loop is a call
//! on one branch of the loop, as it is in hvisor.  Output goes to stderr.
#![no_std]
use core::sync::atomic::{AtomicUsize, Ordering};

pub const ERROR: usize = 1;
pub const WARN: usize = 2;
pub const INFO: usize = 3;
pub const DEBUG: usize = 4;
pub const TRACE: usize = 5;

static MAX_LEVEL: AtomicUsize = AtomicUsize::new(INFO);

#[inline]
pub fn max_level() -> usize {
    MAX_LEVEL.load(Ordering::Relaxed)
}
pub fn set_max_level(l: usize) {
    MAX_LEVEL.store(l, Ordering::Relaxed)
}

extern "C" {
    fn write(fd: i32, buf: *const u8, n: usize) -> isize;
}

struct Line {
    buf: [u8; 256],
    len: usize,
}
impl core::fmt::Write for Line {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for &c in s.as_bytes() {
            if self.len < self.buf.len() - 1 {
                self.buf[self.len] = c;
                self.len += 1;
            }
        }
        Ok(())
    }
}

#[doc(hidden)]
#[inline(never)]
#[cold]
pub fn __emit(level: usize, args: core::fmt::Arguments) {
    use core::fmt::Write;
    let names = ["", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"];
    let mut l = Line { buf: [0; 256], len: 0 };
    let _ = write!(l, "[hvisor {}] ", names[level.min(5)]);
    let _ = l.write_fmt(args);
    l.buf[l.len] = b'\n';
    unsafe { write(2, l.buf.as_ptr(), l.len + 1) };
}

#[macro_export]
macro_rules! log {
    ($lvl:expr, $($arg:tt)+) => {{
        let lvl = $lvl;
        if lvl <= $crate::max_level() {
            $crate::__emit(lvl, format_args!($($arg)+));
        }
    }};
}
#[macro_export]
macro_rules! error { ($($arg:tt)+) => { $crate::log!($crate::ERROR, $($arg)+) }; }
#[macro_export]
macro_rules! warn { ($($arg:tt)+) => { $crate::log!($crate::WARN, $($arg)+) }; }
#[macro_export]
macro_rules! info { ($($arg:tt)+) => { $crate::log!($crate::INFO, $($arg)+) }; }
#[macro_export]
macro_rules! debug { ($($arg:tt)+) => { $crate::log!($crate::DEBUG, $($arg)+) }; }
#[macro_export]
macro_rules! trace { ($($arg:tt)+) => { $crate::log!($crate::TRACE, $($arg)+) }; }
