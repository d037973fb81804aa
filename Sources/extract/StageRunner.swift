#if canImport(Glibc)
import Glibc
#endif
import Columnar

/// Runs one benchmark stage as a child process of this very binary (`/proc/self/exe`), so that
/// each stage's wall time, CPU time and peak RSS are its own (from `wait4(2)`), not the sum of
/// everything the bench has done. Standard output of the child is discarded; standard error is
/// inherited only when `verbose`.
struct StageMeasurement: Sendable {
    var seconds: Double
    var cpuSeconds: Double
    var peakRSSBytes: Int
}

enum StageRunner {
    static func run(_ arguments: [String], verbose: Bool = false) throws -> StageMeasurement {
        let exe = "/proc/self/exe"
        var argv: [UnsafeMutablePointer<CChar>?] = (["extract"] + arguments).map { strdup($0) }
        argv.append(nil)
        defer { for p in argv { free(p) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        if !verbose { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }
        var pid: pid_t = 0
        let started = MonotonicClock.now()
        let rc = posix_spawn(&pid, exe, &actions, nil, argv, environ)
        guard rc == 0 else { throw ColumnarError.io(path: exe, operation: "spawn", errno: rc) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw ColumnarError.io(path: exe, operation: "wait", errno: errno) }
        }
        let seconds = MonotonicClock.seconds(since: started)
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        guard exited, code == 0 else {
            throw CLIError.usage("benchmark stage `extract \(arguments.joined(separator: " "))` failed (status \(status)); rerun it alone to see why")
        }
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return StageMeasurement(seconds: seconds, cpuSeconds: cpu, peakRSSBytes: Int(usage.ru_maxrss) * 1024)
    }
}
