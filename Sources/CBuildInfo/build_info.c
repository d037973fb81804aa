// CBuildInfo is header-only (build_info.h); this file gives SwiftPM a C source to build the target from.
#include "build_info.h"
