// System zstd (Debian: libzstd-dev). Imported only by the Columnar module.
#include <zstd.h>
#include <zstd_errors.h>
