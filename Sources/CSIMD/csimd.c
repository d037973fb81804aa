// CSIMD is header-only (csimd.h); this file gives SwiftPM a C source to build the target from.
#include "csimd.h"
