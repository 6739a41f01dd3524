/// A first-in, first-out channel of bounded size from producing tasks to one consuming task.
///
/// Each element has a cost (for audio: samples). `send` suspends while the elements held
/// already cost `capacity` or more, so a producer that runs ahead of its consumer holds bounded
/// memory; `receive` suspends while the channel is empty. An element costlier than `capacity`
/// is accepted when the channel is empty, so nothing can block forever.
///
/// `finish()` ends the stream after what was sent; `cancel()` (the consumer giving up) drops
/// what is held and makes every later or suspended `send` return `false`, so producers stop.
public actor BoundedChannel<Element: Sendable> {
    /// The most cost held before `send` suspends.
    public let capacity: Int
    private var items: [(element: Element, cost: Int)] = []
    private var head = 0
    private var held = 0
    private var finished = false
    private var cancelled = false
    private var receiver: CheckedContinuation<Element?, Never>?
    private var senders: [CheckedContinuation<Void, Never>] = []

    /// A channel that holds elements costing up to `capacity` (at least 1).
    public init(capacity: Int) {
        self.capacity = Swift.max(1, capacity)
    }

    /// Appends `element`, waiting for room first. Returns `false`, dropping the element, when
    /// the consumer cancelled the channel.
    @discardableResult
    public func send(_ element: Element, cost: Int = 1) async -> Bool {
        while !cancelled && held > 0 && held + cost > capacity {
            await withCheckedContinuation { senders.append($0) }
        }
        guard !cancelled, !finished else { return false }
        if let waiting = receiver {
            receiver = nil
            waiting.resume(returning: element)
            return true
        }
        items.append((element, cost))
        held += cost
        return true
    }

    /// The next element, or `nil` once the channel is finished and empty, or cancelled.
    public func receive() async -> Element? {
        if head < items.count {
            let (element, cost) = items[head]
            head += 1
            held -= cost
            if head == items.count {
                items.removeAll(keepingCapacity: true)
                head = 0
            }
            wakeSenders()
            return element
        }
        if finished || cancelled { return nil }
        return await withCheckedContinuation { receiver = $0 }
    }

    /// Ends the stream: the consumer receives what is held, then `nil`.
    public func finish() {
        finished = true
        receiver?.resume(returning: nil)
        receiver = nil
        wakeSenders()
    }

    /// The consumer stops: held elements are dropped and producers are told to stop.
    public func cancel() {
        cancelled = true
        items.removeAll()
        head = 0
        held = 0
        receiver?.resume(returning: nil)
        receiver = nil
        wakeSenders()
    }

    private func wakeSenders() {
        let waiting = senders
        senders.removeAll()
        for sender in waiting { sender.resume() }
    }
}
