/// A fixed set of resources (connections) lent out one at a time, first come first
/// served. Waiting is asynchronous, so a borrower never blocks a thread.
actor ResourcePool<Resource: Sendable> {
    private var idle: [Resource]
    private var waiters: [CheckedContinuation<Resource, Never>] = []

    init(_ resources: [Resource]) { idle = resources }

    func take() async -> Resource {
        if let resource = idle.popLast() { return resource }
        return await withCheckedContinuation { waiters.append($0) }
    }

    func give(_ resource: Resource) {
        if waiters.isEmpty {
            idle.append(resource)
        } else {
            waiters.removeFirst().resume(returning: resource)
        }
    }

    func drain() -> [Resource] {
        defer { idle = [] }
        return idle
    }
}

extension ResourcePool {
    nonisolated func with<T: Sendable>(_ body: (Resource) async throws -> T) async throws -> T {
        let resource = await take()
        do {
            let result = try await body(resource)
            await give(resource)
            return result
        } catch {
            await give(resource)
            throw error
        }
    }
}
