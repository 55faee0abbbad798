/// A deal's outcome so far.
public enum DealStatus: String, Sendable, Codable, CaseIterable {
  case open, won, lost
}

/// What a deal sells: a first sale, more to an existing customer, or a renewal.
public enum DealType: String, Sendable, Codable, CaseIterable {
  case new, expansion, renewal
}

/// The rep's own forecast call on a deal.
public enum ForecastCategory: String, Sendable, Codable, CaseIterable {
  case commit
  case bestCase = "best_case"
  case pipeline
  case omitted
}

/// Whether a stage is still open or ends the deal.
public enum StageKind: String, Sendable, Codable, CaseIterable {
  case open, won, lost
}

/// The kind of a sales activity.
public enum ActivityKind: String, Sendable, Codable, CaseIterable {
  case call, email, meeting, demo, task, other
}

/// A done activity happened; a planned one is a scheduled next step (as of the export only).
public enum ActivityStatus: String, Sendable, Codable, CaseIterable {
  case done, planned
}

/// A rep's job.
public enum RepRole: String, Sendable, Codable, CaseIterable {
  case sdr, ae, am, manager
}

/// What a cost was spent on.
public enum CostCategory: String, Sendable, Codable, CaseIterable {
  case marketing, sales, other
}
