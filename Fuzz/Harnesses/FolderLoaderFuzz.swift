// libFuzzer harness: the folder loader with several files from one input.
//
// The input is split at 0xFF bytes (never valid UTF-8, so no content is lost for the reader's
// purposes) into deals.csv, deal_history.csv, stages.csv, leads.csv, activities.csv, reps.csv,
// quotas.csv, accounts.csv and costs.csv, in that order; an absent part is an absent file. A
// successful load is then viewed point in time at a few days, checking the invariants of
// docs/DATA-FORMAT.md.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFolderLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let names = [
    "deals.csv", "deal_history.csv", "stages.csv", "leads.csv", "activities.csv", "reps.csv",
    "quotas.csv", "accounts.csv", "costs.csv",
  ]
  var files: [String: CSVBytes] = [:]
  var part = 0
  var start = 0
  let input = UnsafeBufferPointer(start: data, count: size)
  for i in 0...size where i == size || input[i] == 0xFF {
    if part < names.count {
      files[names[part]] = CSVBytes(input[start..<i])
    }
    part += 1
    start = i + 1
  }
  let loaded: LoadedFolder
  do {
    loaded = try CRMFolderLoader.load(files: files, options: LoadOptions(maxErrors: 50, threads: 1))
  } catch {
    if case .invalidData(let diagnostics) = error {
      precondition(!diagnostics.isEmpty, "invalidData without a diagnostic")
      for d in diagnostics {
        precondition(d.line >= 1 && names.contains(d.file), "bad location \(d)")
        _ = d.description
      }
    }
    return 0
  }
  let folder = loaded.folder
  precondition(folder.historyRanges.count == folder.deals.count, "one history range per deal")
  let first = Day(year: 1970, month: 1, day: 1)!
  for day in [first, folder.asOf.advanced(by: -30), folder.asOf, folder.asOf.advanced(by: 1)] {
    let view = folder.asOf(day)
    precondition(view.deals.count <= folder.deals.count, "as-of added deals")
    precondition((view.history?.count ?? 0) <= (folder.history?.count ?? 0), "as-of added history")
    let again = view.asOf(day)
    precondition(again.deals.count == view.deals.count, "asOf is not idempotent")
    precondition(again.history?.count == view.history?.count, "asOf is not idempotent (history)")
    for i in view.deals.indices { _ = view.currentStage(ofDeal: i) }
  }
  return 0
}
