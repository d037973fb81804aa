import Columnar
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT) and SIGTERM: the run's registered temporaries (`InterruptCleanup`: the hidden
/// `.NAME.tmp-PID` learning base, the hidden lake folder) are removed, then the process dies of
/// the same signal (so the shell sees 130 / 143 as usual).
///
/// How: the handler only writes the signal number into a pipe (async-signal-safe); a dedicated
/// thread blocked on that pipe does the clean-up with ordinary code, restores the default
/// action and re-sends the signal to the process. SIGKILL cannot be caught: the next run
/// writing to the same place removes what a killed run left (`StaleTemporaries`,
/// `StarSchemaLake.recover`). Handlers are reset by `exec`, so child processes (`bench`
/// stages) are not affected. Installed once, by `ExtractCLI.main`.
enum SignalCleanup {
    nonisolated(unsafe) static var writeEnd: Int32 = -1
    nonisolated(unsafe) static var readEnd: Int32 = -1

    static func install() {
        guard writeEnd < 0 else { return }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        readEnd = fds[0]
        writeEnd = fds[1]
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        // The handler never blocks on a full pipe; the clean-up thread sleeps in read(2).
        _ = fcntl(writeEnd, F_SETFL, fcntl(writeEnd, F_GETFL) | O_NONBLOCK)
        var thread = pthread_t()
        guard pthread_create(&thread, nil, { _ in SignalCleanup.waitForSignal(); return nil }, nil) == 0 else { return }
        pthread_detach(thread)
        for sig in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                var byte = UInt8(truncatingIfNeeded: sig)
                _ = write(SignalCleanup.writeEnd, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(sig, &action, nil)
        }
    }

    private static func waitForSignal() {
        var byte: UInt8 = 0
        while read(readEnd, &byte, 1) != 1 {
            if errno != EINTR { return }
        }
        let sig = Int32(byte)
        let cleaned = InterruptCleanup.shared.runAll()
        let name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "signal \(sig)"
        printError("extract: interrupted (\(name))" + (cleaned > 0 ? "; temporary output removed" : ""))
        signal(sig, SIG_DFL)
        kill(getpid(), sig)
        // Not reached unless the signal is blocked somewhere: exit the conventional way.
        _exit(128 + sig)
    }
}
