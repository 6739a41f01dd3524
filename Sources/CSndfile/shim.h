// Umbrella header exposing libsndfile (Debian: libsndfile1-dev) to Swift.
#ifndef CRESCENDO_CSNDFILE_SHIM_H
#define CRESCENDO_CSNDFILE_SHIM_H

#include <sndfile.h>

#endif
