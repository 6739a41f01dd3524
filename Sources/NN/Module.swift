import Torch

/// A neural-network module: parameters, buffers and child modules, found by reflection over
/// stored properties and named as PyTorch's state dicts name them (`layers.3.bn_1.running_mean`).
///
/// Stored properties are discovered as follows: `@Param` tensors are parameters, `@Buffer`
/// tensors are buffers, and properties holding a `Module`, an optional one or an array of them
/// are children (arrays are numbered `name.0`, `name.1`, …). A subclass may override
/// `namedChildren()` for other layouts (as `Sequential` does).
///
/// Modules are classes: they have identity (an optimizer holds their parameters) and mutable
/// state (mode, running statistics). They are not synchronised; one task trains a module at a time.
// @unchecked Sendable: modules cross tasks only whole (handed to a trainer or predictor), never used by two at once.
open class Module: @unchecked Sendable {
    /// Training mode (dropout active, batch statistics used and tracked).
    public private(set) var isTraining = true

    public init() {}

    // MARK: Reflection

    /// This module's own parameters (not its children's), in declaration order.
    open func localParameters() -> [(String, Tensor)] {
        reflectedProperties().compactMap { label, value in
            guard let p = value as? ParamWrapper, let t = p.paramTensor else { return nil }
            return (p.paramKey ?? snakeCase(label), t)
        }
    }

    /// This module's own buffers with their persistence.
    open func localBuffers() -> [(name: String, tensor: Tensor, persistent: Bool)] {
        reflectedProperties().compactMap { label, value in
            guard let b = value as? BufferWrapper, let t = b.bufferTensor else { return nil }
            return (b.bufferKey ?? snakeCase(label), t, b.bufferPersistent)
        }
    }

    /// Direct children by name, in declaration order.
    open func namedChildren() -> [(String, Module)] {
        var result: [(String, Module)] = []
        for (label, value) in reflectedProperties() {
            if let wrapper = value as? ChildWrapper {
                result += Self.modules(in: wrapper.childValue, named: wrapper.childKey)
            } else if !(value is ParamWrapper), !(value is BufferWrapper) {
                result += Self.modules(in: value, named: snakeCase(label))
            }
        }
        return result
    }

    static func modules(in value: Any, named name: String) -> [(String, Module)] {
        if let m = value as? Module { return [(name, m)] }
        if let array = value as? [Module] {
            return array.enumerated().map { ("\(name).\($0.offset)", $0.element) }
        }
        // Optionals holding a module.
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional, let some = mirror.children.first {
            return modules(in: some.value, named: name)
        }
        return []
    }

    /// Stored properties of this object up its class chain, wrapper prefixes removed.
    private func reflectedProperties() -> [(String, Any)] {
        var chain: [Mirror] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        while let m = mirror {
            chain.append(m)
            mirror = m.superclassMirror
        }
        var result: [(String, Any)] = []
        for m in chain.reversed() {
            for child in m.children {
                guard var label = child.label else { continue }
                if label.hasPrefix("_") { label.removeFirst() }
                if label == "isTraining" { continue }
                result.append((label, child.value))
            }
        }
        return result
    }

    // MARK: Traversal

    /// Every module below (and including) this one, with dotted names ("" for self).
    /// A child registered under the empty name is transparent: its own children appear
    /// directly under its parent (`@Child("")`).
    public func namedModules(prefix: String = "") -> [(String, Module)] {
        var result: [(String, Module)] = [(prefix, self)]
        for (name, child) in namedChildren() {
            let childPrefix = name.isEmpty ? prefix : (prefix.isEmpty ? name : "\(prefix).\(name)")
            result += child.namedModules(prefix: childPrefix)
        }
        return result
    }

    /// Every parameter with its full dotted name.
    public func namedParameters() -> [(String, Tensor)] {
        namedModules().flatMap { prefix, module in
            module.localParameters().map { (prefix.isEmpty ? $0.0 : "\(prefix).\($0.0)", $0.1) }
        }
    }

    /// Every buffer with its full dotted name.
    public func namedBuffers(persistentOnly: Bool = false) -> [(String, Tensor)] {
        namedModules().flatMap { prefix, module in
            module.localBuffers().filter { !persistentOnly || $0.persistent }.map {
                (prefix.isEmpty ? $0.name : "\(prefix).\($0.name)", $0.tensor)
            }
        }
    }

    public func parameters() -> [Tensor] { namedParameters().map(\.1) }

    /// Parameters that receive gradients (not frozen).
    public func trainableParameters() -> [Tensor] { parameters().filter(\.requiresGrad) }

    /// Number of parameter elements.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    // MARK: Modes

    /// Sets training mode here and below; returns self.
    @discardableResult
    public func train(_ on: Bool = true) -> Self {
        for (_, m) in namedModules() { m.isTraining = on }
        return self
    }

    /// Evaluation mode here and below (dropout off, running statistics used); returns self.
    @discardableResult
    public func eval() -> Self { train(false) }

    /// Stops (or restarts) gradient flow into every parameter here and below.
    public func freeze(_ frozen: Bool = true) throws {
        for p in parameters() { try p.requiringGrad(!frozen) }
    }
}

/// A module that maps one tensor to one tensor.
public protocol UnaryLayer: Module {
    func callAsFunction(_ x: Tensor) throws -> Tensor
}
