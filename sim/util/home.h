/* sim/util/home.h — hvsim's own tree (HVSIM_HOME, an installed
 * share/hvsim, or the source tree it was built from). */
#ifndef HVSIM_UTIL_HOME_H
#define HVSIM_UTIL_HOME_H

const char *hvsim_home(void);

#endif
