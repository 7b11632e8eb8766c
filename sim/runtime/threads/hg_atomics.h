/* sim/runtime/threads/hg_atomics.h — force-included into the code under test in
 * the Helgrind build only (see atomics_model.h for what and why). */
#define HVSIM_AM_HELGRIND 1
#include "atomics_model.h"
