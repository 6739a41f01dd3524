// Umbrella header exposing libsoxr (Debian: libsoxr-dev) to Swift.
#ifndef CRESCENDO_CSOXR_SHIM_H
#define CRESCENDO_CSOXR_SHIM_H

#include <soxr.h>

#endif
