import CRMData
import Foundation

/// On SIGINT or SIGTERM, removes any temporary output file still being written and exits with
/// 130 or 143, so an interrupted run never leaves a partial or temporary file behind.
///
/// The signals are blocked in the main thread before any other thread exists (every thread
/// inherits the mask), and one thread waits for them with `sigwait(3)`. The cleanup therefore
/// runs as ordinary code, where taking a lock and allocating are allowed; a raw C signal handler
/// could interrupt a thread holding the very lock it needs, or `malloc` itself. The cleanup
/// closes `AtomicFile`'s gate for good, so no thread can create or rename an output afterwards,
/// and then calls `_exit`.
enum SignalCleanup {
  /// Call first thing in `main`, before any thread is started.
  ///
  /// A signal the parent set to be ignored stays ignored (a background job started by a
  /// non-interactive shell ignores SIGINT, and `nohup` SIGHUP; that choice is the caller's).
  static func install() {
    var signals = sigset_t()
    sigemptyset(&signals)
    let handled = [SIGINT, SIGTERM].filter { !isIgnored($0) }
    guard !handled.isEmpty else { return }
    for s in handled { sigaddset(&signals, s) }
    pthread_sigmask(SIG_BLOCK, &signals, nil)
    let waiting = signals
    let thread = Thread {
      var set = waiting
      var received: Int32 = 0
      while sigwait(&set, &received) != 0 {}
      AtomicFile.removeTemporaryFilesForExit()
      _exit(128 + received)
    }
    thread.name = "pipecast-signals"
    thread.start()
  }

  /// True when `signal` was inherited as ignored (SIG_IGN).
  private static func isIgnored(_ signal: Int32) -> Bool {
    var current = sigaction()
    guard sigaction(signal, nil, &current) == 0 else { return false }
    #if canImport(Glibc)
      let handler = current.__sigaction_handler.sa_handler
    #else
      let handler = current.__sigaction_u.__sa_handler
    #endif
    return unsafeBitCast(handler, to: Int.self) == 1  // SIG_IGN is ((void (*)(int)) 1)
  }
}
