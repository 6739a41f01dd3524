import Foundation

/// A first-in, first-out channel of bounded size from producing threads to one consuming task.
///
/// Each element has a cost (for audio: samples). `send` blocks its thread while the elements
/// held already cost `capacity` or more, so a producer that runs ahead of its consumer holds
/// bounded memory; `receive` suspends (without blocking a thread) while the channel is empty.
/// An element costlier than `capacity` is accepted when the channel is empty, so nothing can
/// block forever. Producers are plain threads, not tasks: a decoder that blocks would otherwise
/// hold one of the few threads of Swift's cooperative pool.
///
/// `finish()` ends the stream after what was sent; `cancel()` (the consumer giving up) drops
/// what is held and makes every later or blocked `send` return `false`, so producers stop.
// @unchecked Sendable: every mutable field is read and written only under `condition`'s lock.
public final class BoundedChannel<Element: Sendable>: @unchecked Sendable {
    /// The most cost held before `send` blocks.
    public let capacity: Int
    // All state below is guarded by `condition`'s lock.
    private let condition = NSCondition()
    private var items: [(element: Element, cost: Int)] = []
    private var head = 0
    private var held = 0
    private var finished = false
    private var cancelled = false
    private var receiver: CheckedContinuation<Element?, Never>?

    /// A channel that holds elements costing up to `capacity` (at least 1).
    public init(capacity: Int) {
        self.capacity = Swift.max(1, capacity)
    }

    /// Appends `element`, blocking the calling thread until there is room. Returns `false`,
    /// dropping the element, when the channel was cancelled or finished.
    @discardableResult
    public func send(_ element: Element, cost: Int = 1) -> Bool {
        condition.lock()
        while !cancelled && held > 0 && held + cost > capacity { condition.wait() }
        guard !cancelled, !finished else {
            condition.unlock()
            return false
        }
        if let waiting = receiver {
            // The consumer waits, so nothing is held: hand the element over directly.
            receiver = nil
            condition.unlock()
            waiting.resume(returning: element)
            return true
        }
        items.append((element, cost))
        held += cost
        condition.unlock()
        return true
    }

    /// The next element, or `nil` once the channel is finished and empty, or cancelled.
    public func receive() async -> Element? {
        await withCheckedContinuation { continuation in
            condition.lock()
            if head < items.count {
                let (element, cost) = items[head]
                head += 1
                held -= cost
                if head == items.count {
                    items.removeAll(keepingCapacity: true)
                    head = 0
                }
                condition.broadcast()
                condition.unlock()
                continuation.resume(returning: element)
            } else if finished || cancelled {
                condition.unlock()
                continuation.resume(returning: nil)
            } else {
                receiver = continuation
                condition.unlock()
            }
        }
    }

    /// Ends the stream: the consumer receives what is held, then `nil`.
    public func finish() {
        condition.lock()
        finished = true
        let waiting = receiver
        receiver = nil
        condition.broadcast()
        condition.unlock()
        waiting?.resume(returning: nil)
    }

    /// The consumer stops: held elements are dropped and producers are told to stop.
    public func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        head = 0
        held = 0
        let waiting = receiver
        receiver = nil
        condition.broadcast()
        condition.unlock()
        waiting?.resume(returning: nil)
    }
}
