#if canImport(Glibc)
import Glibc
#endif

/// Process-wide malloc policy for a long ingest (call once, before it starts).
///
/// The ingest allocates and frees blocks of several MiB per day part (column builders, sort
/// keys, gathered columns, encoder buffers). With glibc's defaults such blocks are fresh
/// `mmap`s, unmapped on free, and the kernel zeroes every page again on first touch: that
/// page-fault work was ~9 % of the ingest's CPU (perf, `cpu-clock`, a scale-0.1 month). Here
/// blocks up to 32 MiB (glibc's maximum threshold) come from the heap and freed memory is kept
/// for reuse instead of being returned to the kernel.
///
/// Memory: the process keeps its heap high-water mark until it exits; the peak RSS is about the
/// same (those bytes were resident at the peak anyway). No effect where malloc is not glibc's.
public enum AllocatorTuning {
    public static func retainFreedMemory() {
        #if canImport(Glibc)
        // <malloc.h> is not in the Glibc module: look `mallopt` up by name.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let trimThreshold: Int32 = -1, topPad: Int32 = -2, mmapThreshold: Int32 = -3  // M_* of <malloc.h>
        _ = mallopt(mmapThreshold, 32 << 20)
        _ = mallopt(trimThreshold, Int32.max)
        _ = mallopt(topPad, 16 << 20)
        #endif
    }
}
