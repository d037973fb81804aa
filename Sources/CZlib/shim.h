// System zlib (Debian: zlib1g-dev). Imported only by the Columnar module.
#include <zlib.h>
