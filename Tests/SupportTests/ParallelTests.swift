import Foundation
import Support
import Testing

@Suite struct ParallelTests {
    @Test(arguments: [1, 2, 4])
    func parallelForCoversEveryIndexOnce(threads: Int) {
        let n = 10_000
        let hits = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n)
        hits.initialize(repeating: 0)
        defer { hits.deallocate() }
        let shared = UnsafeSendable(hits)
        let workersSeen = Locked(Set<Int>())
        parallelFor(n, threads: threads, grain: 37) { range, worker in
            #expect(worker >= 0 && worker < threads)
            #expect(range.count <= 37 || threads == 1)
            workersSeen.withLock { _ = $0.insert(worker) }
            for i in range { shared.value[i] += 1 }
        }
        #expect(hits.allSatisfy { $0 == 1 })
        #expect(workersSeen.current.isSubset(of: Set(0..<threads)))
    }

    @Test func oneThreadRunsInlineAsOneCallInOrder() {
        let calls = Locked<[(Range<Int>, Int)]>([])
        parallelFor(100, threads: 1, grain: 7) { range, worker in calls.withLock { $0.append((range, worker)) } }
        let seen = calls.current
        #expect(seen.count == 1)
        #expect(seen.first?.0 == 0..<100)
        #expect(seen.first?.1 == 0)
        // A single chunk runs inline too, whatever the thread count.
        let single = Locked(0)
        parallelFor(5, threads: 8, grain: 10) { range, worker in
            #expect(range == 0..<5 && worker == 0)
            single.withLock { $0 += 1 }
        }
        #expect(single.current == 1)
        parallelFor(0, threads: 4) { _, _ in Issue.record("no work for an empty range") }
    }

    @Test func chunksAreContiguousAndTileTheRange() {
        let ranges = Locked<[Range<Int>]>([])
        parallelFor(1_003, threads: 3, grain: 100) { range, _ in ranges.withLock { $0.append(range) } }
        let sorted = ranges.current.sorted { $0.lowerBound < $1.lowerBound }
        #expect(sorted.first?.lowerBound == 0 && sorted.last?.upperBound == 1_003)
        for (a, b) in zip(sorted, sorted.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
        #expect(sorted.dropLast().allSatisfy { $0.count == 100 })
    }

    @Test func equalRangesDifferByAtMostOne() {
        #expect(equalRanges(10, parts: 3) == [0..<3, 3..<6, 6..<10])
        #expect(equalRanges(2, parts: 5) == [0..<1, 1..<2])
        #expect(equalRanges(0, parts: 4) == [0..<0])
        #expect(equalRanges(7, parts: 0) == [0..<7])
        for (count, parts) in [(1_000_003, 2), (17, 17), (99, 7)] {
            let ranges = equalRanges(count, parts: parts)
            #expect(ranges.count == min(parts, count))
            #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == count)
            let sizes = ranges.map(\.count)
            #expect(sizes.max()! - sizes.min()! <= 1)
        }
    }

    @Test func parallelSplitGivesPartPTheSameRangeEveryTime() {
        let seen = Locked([Int: Range<Int>]())
        parallelSplit(1_000, parts: 3) { range, part in seen.withLock { $0[part] = range } }
        #expect(seen.current == [0: 0..<333, 1: 333..<666, 2: 666..<1_000])
        let inline = Locked(0)
        parallelSplit(1, parts: 4) { range, part in
            #expect(range == 0..<1 && part == 0)
            inline.withLock { $0 += 1 }
        }
        #expect(inline.current == 1)
    }

    @Test func lockedCounterCountsEveryIncrement() {
        let total = Locked(0)
        parallelFor(10_000, threads: 4, grain: 1) { range, _ in
            for _ in range { total.withLock { $0 += 1 } }
        }
        #expect(total.current == 10_000)
    }

    @Test func readWriteLockExcludesWritersFromReaders() {
        let lock = ReadWriteLock()
        // Writers keep two fields equal; a reader that ever sees them differ caught a writer halfway.
        let pair = UnsafeSendable(UnsafeMutablePointer<Int>.allocate(capacity: 2))
        pair.value.initialize(repeating: 0, count: 2)
        defer { pair.value.deallocate() }
        let torn = Locked(0)
        parallelFor(4_000, threads: 4, grain: 1) { range, _ in
            for i in range {
                if i % 4 == 0 {
                    lock.withWrite { pair.value[0] += 1; pair.value[1] += 1 }
                } else {
                    let same = lock.withRead { pair.value[0] == pair.value[1] }
                    if !same { torn.withLock { $0 += 1 } }
                }
            }
        }
        #expect(torn.current == 0)
        #expect(pair.value[0] == 1_000 && pair.value[1] == 1_000)
    }

    @Test func stripedLocksGuardEachStripe() {
        let locks = StripedLocks(stripes: 4)
        let counters = UnsafeSendable(UnsafeMutablePointer<Int>.allocate(capacity: 8))
        counters.value.initialize(repeating: 0, count: 8)
        defer { counters.value.deallocate() }
        parallelFor(8_000, threads: 4, grain: 1) { range, _ in
            for i in range {
                let object = UInt32(i % 8)
                locks.lock(object)
                counters.value[Int(object)] += 1
                locks.unlock(object)
            }
        }
        #expect((0..<8).allSatisfy { counters.value[$0] == 1_000 })
    }

    @Test func threadCountIsPositive() {
        #expect(Threads.count >= 1)
    }
}
