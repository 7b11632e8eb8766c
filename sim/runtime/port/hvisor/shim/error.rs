//! crate::error — hvisor's result type.
#[derive(Debug)]
pub struct HvError {
    pub code: i32,
}
pub type HvResult<T = ()> = core::result::Result<T, HvError>;
