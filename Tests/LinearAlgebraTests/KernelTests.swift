import Testing
@testable import LinearAlgebra
import Support

private func randomVector(_ n: Int, _ g: inout SeededGenerator) -> [Float] { (0..<n).map { _ in g.nextFloat() * 2 - 1 } }

@Test(arguments: [0, 1, 15, 16, 17, 31, 32, 33, 64, 100, 128])
func kernelsMatchNaiveSums(count: Int) {
    var g = SeededGenerator(seed: UInt64(count))
    let a = randomVector(count, &g), b = randomVector(count, &g)
    var dot: Double = 0, l2: Double = 0
    for i in 0..<count { dot += Double(a[i] * b[i]); l2 += Double((a[i] - b[i]) * (a[i] - b[i])) }
    #expect(abs(Double(Kernels.dot(a, b, count: count)) - dot) < 1e-4)
    #expect(abs(Double(Kernels.squaredL2(a, b, count: count)) - l2) < 1e-4)
    #expect(abs(Double(BLAS.sdot(count, a, b)) - dot) < 1e-4)
}

@Test func sgemmAndGramMatchNaiveProducts() {
    var g = SeededGenerator(seed: 3)
    let m = 5, n = 4, k = 3
    let a = randomVector(m * k, &g), b = randomVector(k * n, &g)
    var c = [Float](repeating: 0, count: m * n)
    BLAS.sgemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n)
    for i in 0..<m { for j in 0..<n {
        var s: Float = 0
        for t in 0..<k { s += a[i * k + t] * b[t * n + j] }
        #expect(abs(c[i * n + j] - s) < 1e-5)
    } }
    var gram = [Float](repeating: 0, count: k * k)
    BLAS.gram(n: k, k: m, a: a, lda: k, c: &gram)
    for i in 0..<k { for j in 0..<k {
        var s: Float = 0
        for r in 0..<m { s += a[r * k + i] * a[r * k + j] }
        #expect(abs(gram[i * k + j] - s) < 1e-5)
    } }
}

@Test func sposvSolvesSPDSystem() {
    var a: [Float] = [4, 1, 0, 1, 3, 1, 0, 1, 2]
    let x: [Float] = [1, -2, 3]
    var b: [Float] = [4 * 1 + 1 * -2, 1 - 6 + 3, -2 + 6]
    #expect(BLAS.sposv(n: 3, a: &a, b: &b))
    for i in 0..<3 { #expect(abs(b[i] - x[i]) < 1e-5) }
    var notSPD: [Float] = [1, 2, 2, 1]
    var rhs: [Float] = [1, 1]
    #expect(!BLAS.sposv(n: 2, a: &notSPD, b: &rhs))
}

@Test func topKKeepsLargestWithDeterministicTies() {
    var t = TopK(k: 3)
    for (i, s) in [Float](arrayLiteral: 0.5, 2, 2, -1, 7, 0.5, 2).enumerated() { t.push(Int32(i), s) }
    let r = t.sorted()
    #expect(r.map(\.index) == [4, 1, 2])
    var short = TopK(k: 10)
    short.push(3, 1); short.push(1, 1)
    #expect(short.sorted().map(\.index) == [1, 3])
}
