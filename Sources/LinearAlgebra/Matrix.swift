/// A dense matrix of `Double`, stored column-major as LAPACK expects.
///
/// Element `(row, column)` lives at `storage[column * rows + row]`. Dimension mismatches are
/// programmer errors and trap with `precondition`; problems the data can cause (a singular
/// system, a matrix that is not positive definite) are thrown as `LinearAlgebraError`.
public struct Matrix: Equatable, Sendable, CustomStringConvertible {
  public let rows: Int
  public let columns: Int
  /// Column-major elements.
  public var storage: [Double]

  /// A `rows` × `columns` matrix filled with `value`.
  public init(rows: Int, columns: Int, repeating value: Double = 0) {
    precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
    self.rows = rows
    self.columns = columns
    self.storage = Array(repeating: value, count: rows * columns)
  }

  /// A matrix from column-major elements.
  public init(rows: Int, columns: Int, columnMajor: [Double]) {
    precondition(columnMajor.count == rows * columns, "expected \(rows * columns) elements")
    self.rows = rows
    self.columns = columns
    self.storage = columnMajor
  }

  /// A matrix from an array of rows (convenient in tests and small models).
  public init(_ rowArrays: [[Double]]) {
    let rowCount = rowArrays.count
    let columnCount = rowArrays.first?.count ?? 0
    precondition(rowArrays.allSatisfy { $0.count == columnCount }, "ragged rows")
    var matrix = Matrix(rows: rowCount, columns: columnCount)
    for (r, row) in rowArrays.enumerated() {
      for (c, value) in row.enumerated() { matrix[r, c] = value }
    }
    self = matrix
  }

  /// The `n` × `n` identity matrix.
  public static func identity(_ n: Int) -> Matrix {
    var matrix = Matrix(rows: n, columns: n)
    for i in 0..<n { matrix[i, i] = 1 }
    return matrix
  }

  /// A column vector (n × 1).
  public init(column: [Double]) {
    self.init(rows: column.count, columns: 1, columnMajor: column)
  }

  public subscript(row: Int, column: Int) -> Double {
    get { storage[column * rows + row] }
    set { storage[column * rows + row] = newValue }
  }

  /// Column `c` as an array.
  public func column(_ c: Int) -> [Double] {
    Array(storage[(c * rows)..<((c + 1) * rows)])
  }

  /// Row `r` as an array.
  public func row(_ r: Int) -> [Double] {
    (0..<columns).map { self[r, $0] }
  }

  public var transposed: Matrix {
    var result = Matrix(rows: columns, columns: rows)
    for c in 0..<columns {
      for r in 0..<rows { result[c, r] = self[r, c] }
    }
    return result
  }

  public static func * (lhs: Matrix, rhs: Matrix) -> Matrix {
    precondition(lhs.columns == rhs.rows, "cannot multiply \(lhs.rows)x\(lhs.columns) by \(rhs.rows)x\(rhs.columns)")
    var result = Matrix(rows: lhs.rows, columns: rhs.columns)
    for j in 0..<rhs.columns {
      for k in 0..<lhs.columns {
        let b = rhs[k, j]
        if b == 0 { continue }
        for i in 0..<lhs.rows { result.storage[j * lhs.rows + i] += lhs.storage[k * lhs.rows + i] * b }
      }
    }
    return result
  }

  public static func + (lhs: Matrix, rhs: Matrix) -> Matrix {
    precondition(lhs.rows == rhs.rows && lhs.columns == rhs.columns, "dimension mismatch")
    return Matrix(rows: lhs.rows, columns: lhs.columns, columnMajor: zip(lhs.storage, rhs.storage).map(+))
  }

  public static func - (lhs: Matrix, rhs: Matrix) -> Matrix {
    precondition(lhs.rows == rhs.rows && lhs.columns == rhs.columns, "dimension mismatch")
    return Matrix(rows: lhs.rows, columns: lhs.columns, columnMajor: zip(lhs.storage, rhs.storage).map(-))
  }

  /// Matrix × vector.
  public func multiply(_ vector: [Double]) -> [Double] {
    precondition(vector.count == columns, "vector length \(vector.count) != \(columns) columns")
    var result = [Double](repeating: 0, count: rows)
    for c in 0..<columns where vector[c] != 0 {
      let v = vector[c]
      for r in 0..<rows { result[r] += storage[c * rows + r] * v }
    }
    return result
  }

  public var description: String {
    (0..<rows).map { r in (0..<columns).map { String(self[r, $0]) }.joined(separator: " ") }
      .joined(separator: "\n")
  }
}
