#if canImport(Glibc)
import Glibc
#endif

/// A value and the lock that guards it, in one object: the only way to reach the value is
/// `withLockedValue`, so no field can be read or written without its lock (the idea of NIO's
/// `NIOLockedValueBox`). Every shared mutable state of the package goes through one of these
/// instead of a class pairing its own lock with fields by comment.
///
/// Contract:
/// * `withLockedValue(_:)` runs `body` with exclusive access to the value (a pthread mutex;
///   not reentrant: `body` must not call back into the same box).
/// * `withLockedValue(waitingUntil:wakingWaiters:_:)` blocks (releasing the lock) until `ready`
///   holds for the value, then runs `body` under the lock. Waiters are woken only by a call
///   with `wakingWaiters: true`, which wakes every waiter after its `body` so each re-checks
///   its condition: pass it for every change a waiter may wait for.
/// * The value may be non-copyable (`~Copyable`): it is owned by the box and destroyed with it;
///   `body` may move parts of it out through its result.
/// Sendable when `Value` is: the lock makes the shared access safe, never a non-Sendable value.
/// Memory: the value, one mutex and one condition variable (allocated once, stable addresses).
package final class LockedValueBox<Value: ~Copyable> {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var value: Value

    package init(_ value: consuming Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with the value under the lock and returns its result.
    @inline(__always)
    package func withLockedValue<Result: ~Copyable, Failure: Error>(
        _ body: (inout Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }

    /// Waits until `ready(value)` is true (re-checked after every wake-up; default: at once),
    /// then runs `body` under the same hold of the lock; with `wakingWaiters`, then wakes every
    /// thread waiting in this method (also when `body` throws) so each re-checks its condition.
    package func withLockedValue<Result: ~Copyable, Failure: Error>(
        waitingUntil ready: (borrowing Value) -> Bool = { _ in true }, wakingWaiters: Bool,
        _ body: (inout Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer {
            if wakingWaiters { pthread_cond_broadcast(condition) }
            pthread_mutex_unlock(mutex)
        }
        while !ready(value) { pthread_cond_wait(condition, mutex) }
        return try body(&value)
    }
}

extension LockedValueBox: @unchecked Sendable where Value: Sendable & ~Copyable {}
