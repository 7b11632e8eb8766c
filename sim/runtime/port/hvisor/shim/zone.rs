//! crate::zone — hvsim runs one guest zone per CPU: zone = cpu + 1, zone0
//! is the daemon's.
pub fn this_zone_id() -> usize {
    crate::arch::cpu::this_cpu_id() + 1
}
/// The root zone (zone0); the trampoline only names it.
pub struct RootZone;
pub fn root_zone() -> RootZone {
    RootZone
}
