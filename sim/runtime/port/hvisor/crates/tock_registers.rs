//! hvsim's stand-in for the parts of `tock-registers` hvisor's bridge uses:
//! `ReadWrite<T>` fields read and written with volatile accesses.
#![no_std]
pub mod registers {
    use core::cell::UnsafeCell;
    #[repr(transparent)]
    pub struct ReadWrite<T: Copy> {
        pub(crate) value: UnsafeCell<T>,
    }
    unsafe impl<T: Copy> Sync for ReadWrite<T> {}
}
pub mod interfaces {
    use super::registers::ReadWrite;
    pub trait Readable {
        type T: Copy;
        fn get(&self) -> Self::T;
    }
    pub trait Writeable {
        type T: Copy;
        fn set(&self, value: Self::T);
    }
    impl<T: Copy> Readable for ReadWrite<T> {
        type T = T;
        #[inline]
        fn get(&self) -> T {
            unsafe { core::ptr::read_volatile(self.value.get()) }
        }
    }
    impl<T: Copy> Writeable for ReadWrite<T> {
        type T = T;
        #[inline]
        fn set(&self, value: T) {
            unsafe { core::ptr::write_volatile(self.value.get(), value) }
        }
    }
}
