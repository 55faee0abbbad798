import CRMData
import Foundation
import Testing

/// Each case changes one file of the valid sample and expects one exact diagnostic.
@Suite("Validation")
struct ValidationTests {
  static let dealsHeader =
    "deal_id,created_on,owner_id,amount,status,closed_on,expected_close_on,forecast_category\n"

  static let errorCases: [(String, String, String, String)] = [
    ("bad date", "deals.csv", dealsHeader + "D1,2025-01-05,R1,1,won,2025-13-01,,\n",
     "deals.csv:2:6: closed_on '2025-13-01' is not a date; expected YYYY-MM-DD"),
    ("bad date-time", "deals.csv", dealsHeader + "D1,2025-01-05T25:00Z,R1,1,open,,,\n",
     "deals.csv:2:2: created_on '2025-01-05T25:00Z' is not a date; expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]"),
    ("missing column", "deals.csv", "deal_id,created_on,owner_id,amount\nD1,2025-01-05,R1,1\n",
     "deals.csv:1: missing required column 'status'; add it to the header (names are matched case-insensitively)"),
    ("thousands separator", "deals.csv", dealsHeader + "D1,2025-01-05,R1,\"1,000\",open,,,\n",
     "deals.csv:2:4: amount '1,000' is not a number; use digits with '.' as the decimal separator and no thousands separators"),
    ("negative amount", "deals.csv", dealsHeader + "D1,2025-01-05,R1,-5,open,,,\n",
     "deals.csv:2:4: amount '-5' is negative; amounts must be 0 or more"),
    ("empty amount", "deals.csv", dealsHeader + "D1,2025-01-05,R1,,open,,,\n",
     "deals.csv:2:4: amount is empty; every row needs a amount; write 0 for none"),
    ("unknown status", "deals.csv", dealsHeader + "D1,2025-01-05,R1,1,pending,,,\n",
     "deals.csv:2:5: status 'pending' is not one of open, won, lost; use one of those values"),
    ("unknown forecast category", "deals.csv", dealsHeader + "D1,2025-01-05,R1,1,open,,,maybe\n",
     "deals.csv:2:8: forecast_category 'maybe' is not one of commit, best_case, pipeline, omitted; use one of those values"),
    ("empty deal id", "deals.csv", dealsHeader + ",2025-01-05,R1,1,open,,,\n",
     "deals.csv:2:1: deal_id is empty; every row needs a deal_id"),
    ("duplicate deal id", "deals.csv", dealsHeader + "D1,2025-01-05,R1,1,open,,,\nD1,2025-01-06,R1,1,open,,,\n",
     "deals.csv:3:1: deal_id 'D1' appears twice (first on line 2); ids must be unique; remove or rename the duplicate"),
    ("won without closed_on", "deals.csv", dealsHeader + "D1,2025-01-05,R1,1,won,,,\n",
     "deals.csv:2:6: deal 'D1' is won but closed_on is empty; give the date it closed, or set status to open"),
    ("open with closed_on", "deals.csv", dealsHeader + "D1,2025-01-05,R1,1,open,2025-02-01,,\n",
     "deals.csv:2:6: deal 'D1' is open but has closed_on '2025-02-01'; empty closed_on, or set status to won or lost"),
    ("closed before created", "deals.csv", dealsHeader + "D1,2025-01-05,R1,1,lost,2025-01-01,,\n",
     "deals.csv:2:6: closed_on 2025-01-01 is before created_on 2025-01-05; check both dates"),
    ("history for unknown deal", "deal_history.csv", "deal_id,changed_on,stage\nD9,2025-01-05,Qualify\n",
     "deal_history.csv:2:1: deal_id 'D9' is not in deals.csv; history rows must belong to a deal in deals.csv"),
    ("history stage not in stages.csv", "deal_history.csv", "deal_id,changed_on,stage\nD1,2025-01-05,Discovery\n",
     "deal_history.csv:2:3: stage 'Discovery' is not in stages.csv; add it to stages.csv or correct the name"),
    ("probability outside 0-1", "stages.csv", "stage,order,kind,probability\nQualify,1,open,40\n",
     "stages.csv:2:4: probability '40' is outside 0 to 1; write probabilities as fractions (0.25, not 25)"),
    ("bad order", "stages.csv", "stage,order\nQualify,first\n",
     "stages.csv:2:2: order 'first' is not an integer; write a whole number such as 3"),
    ("unknown stage kind", "stages.csv", "stage,order,kind\nQualify,1,closed\n",
     "stages.csv:2:3: kind 'closed' is not one of open, won, lost; use one of those values"),
    ("duplicate stage name", "stages.csv", "stage,order\nQualify,1\nqualify,2\n",
     "stages.csv:3:1: stage 'qualify' appears twice (first on line 2); ids must be unique; remove or rename the duplicate"),
    ("duplicate lead id", "leads.csv", "lead_id,created_on,source\nL1,2025-01-01,web\nL1,2025-01-02,web\n",
     "leads.csv:3:1: lead_id 'L1' appears twice (first on line 2); ids must be unique; remove or rename the duplicate"),
    ("unknown activity kind", "activities.csv", "activity_id,occurred_on,owner_id,kind\nA1,2025-01-01,R1,lunch\n",
     "activities.csv:2:4: kind 'lunch' is not one of call, email, meeting, demo, task, other; use one of those values"),
    ("duplicate activity id", "activities.csv", "activity_id,occurred_on,owner_id,kind\nA1,2025-01-01,R1,call\nA1,2025-01-01,R1,call\n",
     "activities.csv:3:1: activity_id 'A1' appears twice (first on line 2); ids must be unique; remove or rename the duplicate"),
    ("unknown role", "reps.csv", "rep_id,role\nR1,boss\nR2,ae\n",
     "reps.csv:2:2: role 'boss' is not one of sdr, ae, am, manager; use one of those values"),
    ("duplicate rep id", "reps.csv", "rep_id\nR1\nR2\nR1\n",
     "reps.csv:4:1: rep_id 'R1' appears twice (first on line 2); ids must be unique; remove or rename the duplicate"),
    ("left before hired", "reps.csv", "rep_id,hired_on,left_on\nR1,2024-05-01,2024-04-01\nR2,,\n",
     "reps.csv:2:3: left_on 2024-04-01 is before hired_on 2024-05-01; check both dates"),
    ("bad quota period", "quotas.csv", "owner_id,period,amount\nR1,2025-Q5,100\n",
     "quotas.csv:2:2: period '2025-Q5' is not a period; expected YYYY-Qn (quarter) or YYYY-MM (month)"),
    ("negative quota", "quotas.csv", "owner_id,period,amount\nR1,2025-Q1,-100\n",
     "quotas.csv:2:3: amount '-100' is negative; amounts must be 0 or more"),
    ("duplicate account id", "accounts.csv", "account_id,name\nC1,A\nC1,B\n",
     "accounts.csv:3:1: account_id 'C1' appears twice (first on line 2); ids must be unique; remove or rename the duplicate"),
    ("unknown cost category", "costs.csv", "period,category,amount\n2025-01,travel,5\n",
     "costs.csv:2:2: category 'travel' is not one of marketing, sales, other; use one of those values"),
    ("bad cost period", "costs.csv", "period,category,amount\n2025/01,sales,5\n",
     "costs.csv:2:1: period '2025/01' is not a period; expected YYYY-Qn (quarter) or YYYY-MM (month)"),
    ("ragged row in a loaded file", "accounts.csv", "account_id,name\nC1,A,extra\n",
     "accounts.csv:2: the row has 3 fields but the header has 2; quote fields that contain commas; every row needs one value per column"),
    ("empty file", "costs.csv", "",
     "costs.csv:1: the file is empty; expected a header row naming the columns"),
  ]

  @Test(arguments: errorCases)
  func error(name: String, file: String, text: String, expected: String) {
    let errors = loadErrors(Sample.with(file, text))
    #expect(errors.contains(expected), "\(name): \(errors)")
  }

  static let warningCases: [(String, String, String, String)] = [
    ("stage goes backwards", "deal_history.csv",
     "deal_id,changed_on,stage\nD1,2025-01-05,Propose\nD1,2025-01-06,Qualify\n",
     "deal_history.csv:3:3: warning: deal 'D1' goes back from stage 'Propose' to 'Qualify'"),
    ("stage skipped", "deal_history.csv",
     "deal_id,changed_on,stage\nD2,2025-01-10,Qualify\nD2,2025-01-12,Negotiate\n",
     "deal_history.csv:3:3: warning: deal 'D2' skips from stage 'Qualify' to 'Negotiate'"),
    ("history before creation", "deal_history.csv",
     "deal_id,changed_on,stage\nD2,2025-01-01,Qualify\n",
     "deal_history.csv:2:2: warning: deal 'D2' has history from 2025-01-01, before it was created (2025-01-10); check created_on in deals.csv"),
    ("owner missing from reps", "reps.csv", "rep_id\nR1\n",
     "deals.csv:3:3: warning: owner_id 'R2' is not in reps.csv (2 deals); add the rep to reps.csv"),
    ("far-future date", "reps.csv", "rep_id,hired_on\nR1,2024-01-01\nR2,2031-01-01\n",
     "reps.csv:3:2: warning: hired_on 2031-01-01 is more than a year after the export date 2025-03-21; check the year"),
    ("far-future expected close", "deals.csv",
     Sample.deals + "D5,2025-03-01,R1,1,open,,2031-01-01,\n",
     "deals.csv:6:7: warning: expected_close_on 2031-01-01 is more than 5 years after the export date 2025-03-21; check the year"),
    ("header with no rows", "costs.csv", "period,category,amount\n",
     "costs.csv:1: warning: the file has a header but no rows"),
    ("lead with unknown deal", "leads.csv",
     "lead_id,created_on,source,deal_id\nL1,2025-01-01,web,D9\n",
     "leads.csv:2:4: warning: deal_id 'D9' of lead 'L1' is not in deals.csv; the lead's conversion is counted, but its deal is unknown"),
  ]

  @Test(arguments: warningCases)
  func warning(name: String, file: String, text: String, expected: String) throws {
    let loaded = try loadFolder(Sample.with(file, text))
    let warnings = loaded.warnings.map(\.description)
    #expect(warnings.contains(expected), "\(name): \(warnings)")
  }

  @Test func expectedCloseWithinFiveYearsIsFine() throws {
    let loaded = try loadFolder(
      Sample.with("deals.csv", Sample.deals + "D5,2025-03-01,R1,1,open,,2029-01-01,\n"))
    #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
  }

  @Test func everyErrorIsReportedInOneRunSortedByFileAndLine() {
    var files = Sample.with(
      "deals.csv", Self.dealsHeader + "D1,2025-01-05,R1,-1,won,,,\nD2,bad,R1,1,open,,,\n")
    files["costs.csv"] = "period,category,amount\n2025-13,sales,1\n"
    files["deal_history.csv"] = "deal_id,changed_on,stage\nD1,2025-01-05,Qualify\nD2,2025-01-05,Qualify\n"
    let errors = loadErrors(files)
    #expect(
      errors.map { $0.split(separator: ":").prefix(3).joined(separator: ":") } == [
        "deals.csv:2:4", "deals.csv:2:6", "deals.csv:3:2", "costs.csv:2:1",
      ], "\(errors)")
  }

  @Test func maxErrorsLimitsTheList() {
    var text = Self.dealsHeader
    for i in 0..<50 { text += "D\(i),2025-01-05,R1,x,open,,,\n" }
    do {
      _ = try loadFolder(Sample.with("deals.csv", text), maxErrors: 7)
      Issue.record("expected errors")
    } catch {
      guard case .invalidData(let d) = error else { Issue.record("\(error)"); return }
      #expect(d.count == 7)
    }
  }

  @Test func fileSystemErrors() {
    let missing = URL(fileURLWithPath: "/nonexistent/crm")
    #expect(throws: CRMDataError.self) { try CRMFolderLoader.load(at: missing) }
    let empty = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("crm-empty-\(UUID())")
    try? FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    do {
      _ = try CRMFolderLoader.load(at: empty)
      Issue.record("expected missing deals.csv")
    } catch {
      guard case .missingRequiredFile(let name, _) = error else { Issue.record("\(error)"); return }
      #expect(name == "deals.csv")
    }
  }
}
