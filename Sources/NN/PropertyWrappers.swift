import Torch

/// Marks a stored tensor as a trainable parameter. `key` overrides the state-dict name,
/// which is otherwise the property's name in snake_case (`inProjWeight` → `in_proj_weight`).
@propertyWrapper
public struct Param<Value> {
    public var wrappedValue: Value
    public let key: String?

    /// `Value` is `Tensor` or `Tensor?` (an absent bias).
    public init(wrappedValue: Value, _ key: String? = nil) {
        self.wrappedValue = wrappedValue
        self.key = key
    }
}

/// Marks a stored tensor as state that is not trained (batch-norm running statistics).
/// Non-persistent buffers are left out of state dicts, as PyTorch's `persistent=False`.
@propertyWrapper
public struct Buffer<Value> {
    public var wrappedValue: Value
    public let key: String?
    public let persistent: Bool

    /// `Value` is `Tensor` or `Tensor?`.
    public init(wrappedValue: Value, _ key: String? = nil, persistent: Bool = true) {
        self.wrappedValue = wrappedValue
        self.key = key
        self.persistent = persistent
    }
}

/// Names a child module (or an array of them) differently from its property.
@propertyWrapper
public struct Child<M> {
    public var wrappedValue: M
    public let key: String

    public init(wrappedValue: M, _ key: String) {
        self.wrappedValue = wrappedValue
        self.key = key
    }
}

/// Read wrappers found by reflection without knowing their generic arguments.
protocol ParamWrapper {
    var paramKey: String? { get }
    var paramTensor: Tensor? { get }
}

protocol BufferWrapper {
    var bufferKey: String? { get }
    var bufferTensor: Tensor? { get }
    var bufferPersistent: Bool { get }
}

extension Param: ParamWrapper {
    var paramKey: String? { key }
    var paramTensor: Tensor? { wrappedValue as? Tensor }
}

extension Buffer: BufferWrapper {
    var bufferKey: String? { key }
    var bufferTensor: Tensor? { wrappedValue as? Tensor }
    var bufferPersistent: Bool { persistent }
}

protocol ChildWrapper {
    var childKey: String { get }
    var childValue: Any { get }
}

extension Child: ChildWrapper {
    var childKey: String { key }
    var childValue: Any { wrappedValue }
}

/// `inProjWeight` → `in_proj_weight`; names without capitals are kept.
func snakeCase(_ name: String) -> String {
    var out = ""
    for ch in name {
        if ch.isUppercase {
            if !out.isEmpty { out.append("_") }
            out.append(contentsOf: ch.lowercased())
        } else {
            out.append(ch)
        }
    }
    return out
}
