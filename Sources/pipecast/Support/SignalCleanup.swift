import CRMData
import Foundation

/// On SIGINT or SIGTERM, removes any temporary output file still being written and exits with
/// 130 or 143, so an interrupted run never leaves a partial or temporary file behind.
enum SignalCleanup {
  static func install() {
    signal(SIGINT) { _ in
      AtomicFile.removeTemporaryFiles()
      _exit(130)
    }
    signal(SIGTERM) { _ in
      AtomicFile.removeTemporaryFiles()
      _exit(143)
    }
  }
}
