/* sim/verdict/bridge_names.h — struct virtio_bridge in words: field names
 * for byte offsets, and the protocol's state numbers (daemon state, CPU
 * state, ring indices) as phrases.  Every engine's text uses these, so a
 * verdict never shows a raw offset or an untranslated state number. */
#ifndef HVSIM_BRIDGE_NAMES_H
#define HVSIM_BRIDGE_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* The field of struct virtio_bridge at byte offset off ("cfg_flags[0]",
 * "req_list[3].value", "need_wakeup"); layout_old selects the old layout
 * (u8 flags, 16 CPUs, 4 devices).  Returns 0, or -1 (buf untouched) when off
 * lies outside the structure. */
int bridge_field_name(uint64_t off, int layout_old, char *buf, size_t n);

/* "running", "asleep in hvsim_daemon_sleep", ... (enum hvsim_daemon_state) */
const char *daemon_state_words(uint32_t state);
/* "running guest code", "inside the handler", ... (enum hvsim_cpu_state) */
const char *cpu_state_words(uint32_t state);
/* "holds 3 requests (front 8, rear 11)", "is empty (front = rear = 7)",
 * "is full: 31 requests (front 8, rear 7)"; what = "request" or "completion" */
void ring_words(const char *what, uint32_t front, uint32_t rear, char *buf, size_t n);

#endif
