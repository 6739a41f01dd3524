import CTorch

extension Tensor {
    @inline(__always)
    func unary(_ op: ct_unary_op, _ name: @autoclosure () -> String) throws -> Tensor {
        try Tensor.wrap(ct_unary(Int32(op.rawValue), handle), name())
    }

    @inline(__always)
    func binary(_ op: ct_binary_op, _ other: Tensor, _ name: @autoclosure () -> String) throws -> Tensor {
        try Tensor.wrap(ct_binary(Int32(op.rawValue), handle, other.handle), name())
    }

    @inline(__always)
    func scalarOp(_ op: ct_scalar_op, _ value: Double, _ name: @autoclosure () -> String) throws -> Tensor {
        try Tensor.wrap(ct_binary_scalar(Int32(op.rawValue), handle, value), name())
    }

    public func neg() throws -> Tensor { try unary(CT_NEG, "neg") }
    public func abs() throws -> Tensor { try unary(CT_ABS, "abs") }
    public func exp() throws -> Tensor { try unary(CT_EXP, "exp") }
    public func log() throws -> Tensor { try unary(CT_LOG, "log") }
    public func log10() throws -> Tensor { try unary(CT_LOG10, "log10") }
    public func log1p() throws -> Tensor { try unary(CT_LOG1P, "log1p") }
    public func sqrt() throws -> Tensor { try unary(CT_SQRT, "sqrt") }
    public func rsqrt() throws -> Tensor { try unary(CT_RSQRT, "rsqrt") }
    public func sin() throws -> Tensor { try unary(CT_SIN, "sin") }
    public func cos() throws -> Tensor { try unary(CT_COS, "cos") }
    public func tanh() throws -> Tensor { try unary(CT_TANH, "tanh") }
    public func sigmoid() throws -> Tensor { try unary(CT_SIGMOID, "sigmoid") }
    public func relu() throws -> Tensor { try unary(CT_RELU, "relu") }
    /// GELU with the exact erf form (PyTorch's default); `approximateTanh` selects the tanh form.
    public func gelu(approximateTanh: Bool = false) throws -> Tensor {
        try unary(approximateTanh ? CT_GELU_TANH : CT_GELU, "gelu")
    }
    public func silu() throws -> Tensor { try unary(CT_SILU, "silu") }
    public func sign() throws -> Tensor { try unary(CT_SIGN, "sign") }
    public func floor() throws -> Tensor { try unary(CT_FLOOR, "floor") }
    public func ceil() throws -> Tensor { try unary(CT_CEIL, "ceil") }
    public func round() throws -> Tensor { try unary(CT_ROUND, "round") }
    public func trunc() throws -> Tensor { try unary(CT_TRUNC, "trunc") }
    public func square() throws -> Tensor { try unary(CT_SQUARE, "square") }
    public func reciprocal() throws -> Tensor { try unary(CT_RECIPROCAL, "reciprocal") }
    public func logicalNot() throws -> Tensor { try unary(CT_LOGICAL_NOT, "logical_not") }
    public func isNaN() throws -> Tensor { try unary(CT_ISNAN, "isnan") }
    public func isInfinite() throws -> Tensor { try unary(CT_ISINF, "isinf") }
    public func isFinite() throws -> Tensor { try unary(CT_ISFINITE, "isfinite") }
    public func erf() throws -> Tensor { try unary(CT_ERF, "erf") }
    public func logSigmoid() throws -> Tensor { try unary(CT_LOGSIGMOID, "log_sigmoid") }
    public func softplus() throws -> Tensor { try unary(CT_SOFTPLUS, "softplus") }
    public func leakyRelu(_ slope: Double = 0.01) throws -> Tensor { try scalarOp(CT_S_LEAKY_RELU, slope, "leaky_relu") }

    public func pow(_ exponent: Double) throws -> Tensor { try scalarOp(CT_S_POW, exponent, "pow") }
    public func pow(_ exponent: Tensor) throws -> Tensor { try binary(CT_POW, exponent, "pow") }
    public func maximum(_ other: Tensor) throws -> Tensor { try binary(CT_MAXIMUM, other, "maximum") }
    public func minimum(_ other: Tensor) throws -> Tensor { try binary(CT_MINIMUM, other, "minimum") }
    public func remainder(_ other: Tensor) throws -> Tensor { try binary(CT_REMAINDER, other, "remainder") }
    public func remainder(_ value: Double) throws -> Tensor { try scalarOp(CT_S_REMAINDER, value, "remainder") }
    public func floorDivide(_ value: Double) throws -> Tensor { try scalarOp(CT_S_FLOOR_DIVIDE, value, "floor_divide") }
    public func atan2(_ other: Tensor) throws -> Tensor { try binary(CT_ATAN2, other, "atan2") }
    public func clamp(min lo: Double) throws -> Tensor { try scalarOp(CT_S_CLAMP_MIN, lo, "clamp_min") }
    public func clamp(max hi: Double) throws -> Tensor { try scalarOp(CT_S_CLAMP_MAX, hi, "clamp_max") }
    public func clamp(min lo: Double, max hi: Double) throws -> Tensor {
        try Tensor.wrap(ct_clamp(handle, lo, hi), "clamp")
    }

    // Comparisons return bool tensors.
    public func eq(_ other: Tensor) throws -> Tensor { try binary(CT_EQ, other, "eq") }
    public func ne(_ other: Tensor) throws -> Tensor { try binary(CT_NE, other, "ne") }
    public func lt(_ other: Tensor) throws -> Tensor { try binary(CT_LT, other, "lt") }
    public func le(_ other: Tensor) throws -> Tensor { try binary(CT_LE, other, "le") }
    public func gt(_ other: Tensor) throws -> Tensor { try binary(CT_GT, other, "gt") }
    public func ge(_ other: Tensor) throws -> Tensor { try binary(CT_GE, other, "ge") }
    public func eq(_ v: Double) throws -> Tensor { try scalarOp(CT_S_EQ, v, "eq") }
    public func ne(_ v: Double) throws -> Tensor { try scalarOp(CT_S_NE, v, "ne") }
    public func lt(_ v: Double) throws -> Tensor { try scalarOp(CT_S_LT, v, "lt") }
    public func le(_ v: Double) throws -> Tensor { try scalarOp(CT_S_LE, v, "le") }
    public func gt(_ v: Double) throws -> Tensor { try scalarOp(CT_S_GT, v, "gt") }
    public func ge(_ v: Double) throws -> Tensor { try scalarOp(CT_S_GE, v, "ge") }
    public func logicalAnd(_ other: Tensor) throws -> Tensor { try binary(CT_LOGICAL_AND, other, "logical_and") }
    public func logicalOr(_ other: Tensor) throws -> Tensor { try binary(CT_LOGICAL_OR, other, "logical_or") }

    /// Elements of `a` where `condition` holds, of `b` elsewhere (broadcasting).
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        try wrap(ct_where(condition.handle, a.handle, b.handle), "where")
    }

    public func maskedFill(_ mask: Tensor, _ value: Double) throws -> Tensor {
        try Tensor.wrap(ct_masked_fill(handle, mask.handle, value), "masked_fill")
    }

    /// self + weight * (end - self).
    public func lerp(_ end: Tensor, _ weight: Double) throws -> Tensor {
        try Tensor.wrap(ct_lerp(handle, end.handle, weight), "lerp")
    }

    // MARK: Operators

    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(CT_ADD, b, "add") }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(CT_SUB, b, "sub") }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(CT_MUL, b, "mul") }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try a.binary(CT_DIV, b, "div") }
    public static func + (a: Tensor, b: Double) throws -> Tensor { try a.scalarOp(CT_S_ADD, b, "add") }
    public static func - (a: Tensor, b: Double) throws -> Tensor { try a.scalarOp(CT_S_SUB, b, "sub") }
    public static func * (a: Tensor, b: Double) throws -> Tensor { try a.scalarOp(CT_S_MUL, b, "mul") }
    public static func / (a: Tensor, b: Double) throws -> Tensor { try a.scalarOp(CT_S_DIV, b, "div") }
    public static func + (a: Double, b: Tensor) throws -> Tensor { try b.scalarOp(CT_S_ADD, a, "add") }
    public static func - (a: Double, b: Tensor) throws -> Tensor { try b.scalarOp(CT_S_RSUB, a, "rsub") }
    public static func * (a: Double, b: Tensor) throws -> Tensor { try b.scalarOp(CT_S_MUL, a, "mul") }
    public static func / (a: Double, b: Tensor) throws -> Tensor { try b.scalarOp(CT_S_RDIV, a, "rdiv") }
    public static prefix func - (a: Tensor) throws -> Tensor { try a.unary(CT_NEG, "neg") }

    // MARK: In place (no autograd history is wanted: optimizers, initialisers, statistics)

    /// self += alpha * other
    public func addInPlace(_ other: Tensor, alpha: Double = 1) throws {
        try Tensor.check(ct_inplace(Int32(CT_I_ADD.rawValue), handle, other.handle, alpha), "add_")
    }
    public func subInPlace(_ other: Tensor, alpha: Double = 1) throws {
        try Tensor.check(ct_inplace(Int32(CT_I_SUB.rawValue), handle, other.handle, alpha), "sub_")
    }
    public func mulInPlace(_ other: Tensor) throws {
        try Tensor.check(ct_inplace(Int32(CT_I_MUL.rawValue), handle, other.handle, 1), "mul_")
    }
    public func mulInPlace(_ value: Double) throws {
        try Tensor.check(ct_inplace_scalar(Int32(CT_I_MUL.rawValue), handle, value), "mul_")
    }
    public func addInPlace(_ value: Double) throws {
        try Tensor.check(ct_inplace_scalar(Int32(CT_I_ADD.rawValue), handle, value), "add_")
    }
    /// Copies `source`'s values (broadcast, converted) into this tensor's storage.
    public func copyFrom(_ source: Tensor) throws {
        try Tensor.check(ct_inplace(Int32(CT_I_COPY.rawValue), handle, source.handle, 1), "copy_")
    }
    public func fill(_ value: Double) throws { try Tensor.check(ct_fill_(handle, value), "fill_") }
    /// max(self, 0) in place, recorded by autograd (`relu_`): saves an activation-sized
    /// allocation where nothing else needs the values before the ReLU (a batch norm's or an
    /// addition's output). Returns self.
    @discardableResult
    public func reluInPlace() throws -> Tensor {
        try Tensor.check(ct_relu_(handle), "relu_")
        return self
    }
    public func zero() throws { try Tensor.check(ct_zero_(handle), "zero_") }
    public func uniform(_ low: Double, _ high: Double, generator: Generator? = nil) throws {
        try Tensor.check(ct_uniform_(handle, low, high, generator?.handle), "uniform_")
    }
    public func normal(mean: Double = 0, std: Double = 1, generator: Generator? = nil) throws {
        try Tensor.check(ct_normal_(handle, mean, std, generator?.handle), "normal_")
    }
}
