/// Rounding of the numbers in JSON lines, as the Python references round theirs.
public func round1(_ x: Double) -> Double { (x * 10).rounded() / 10 }
public func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
public func round4(_ x: Double) -> Double { (x * 10000).rounded() / 10000 }
