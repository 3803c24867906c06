import Foundation
import Testing
@testable import TextEmbedding

@Suite struct KernelTests {
    typealias K = TransformerKernels

    @Test func expIsAccurateOverTheFloatRange() {
        var worst = 0.0
        var x: Float = -87
        while x < 88 {
            let v = K.exp(K.Vector((0..<16).map { x + Float($0) * 0.0037 }))
            for j in 0..<16 {
                let exact = Foundation.exp(Double(x + Float(j) * 0.0037))
                worst = max(worst, abs(Double(v[j]) - exact) / exact)
            }
            x += 0.0937
        }
        #expect(worst < 5e-7, "worst relative error \(worst)")
        #expect(K.exp(K.Vector(repeating: -1000))[0] < 1e-37)
        #expect(K.exp(K.Vector(repeating: 0))[0] == 1)
    }

    @Test func erfAndGeluAreAccurate() {
        var worstErf = 0.0, worstGelu = 0.0
        var x: Float = -7
        while x < 7 {
            let lanes = K.Vector((0..<16).map { x + Float($0) * 0.001 })
            let e = K.erf(lanes), g = K.gelu(lanes)
            for j in 0..<16 {
                let v = Double(lanes[j])
                worstErf = max(worstErf, abs(Double(e[j]) - Foundation.erf(v)))
                worstGelu = max(worstGelu, abs(Double(g[j]) - 0.5 * v * (1 + Foundation.erf(v / 2.0.squareRoot()))))
            }
            x += 0.0173
        }
        #expect(worstErf < 5e-7, "erf: worst absolute error \(worstErf)")
        #expect(worstGelu < 1e-6, "gelu: worst absolute error \(worstGelu)")
    }

    @Test func softmaxAndLayerNormMatchTheirDefinitions() {
        for count in [1, 5, 16, 23, 40] {
            var row = (0..<count).map { Float(($0 * 7) % 11) - 4.5 }
            let exact = row.map { Foundation.exp(Double($0)) }
            let total = exact.reduce(0, +)
            row.withUnsafeMutableBufferPointer { K.softmax($0.baseAddress!, count: count) }
            for j in 0..<count { #expect(abs(Double(row[j]) - exact[j] / total) < 1e-6) }
        }
        for columns in [3, 16, 20, 37] {
            var x = (0..<columns).map { Float(($0 * 5) % 7) * 0.3 - 1 }
            let bias = (0..<columns).map { Float($0) * 0.01 }
            let gamma = (0..<columns).map { 1 + Float($0) * 0.02 }, beta = (0..<columns).map { Float($0) * -0.03 }
            let v = zip(x, bias).map { Double($0) + Double($1) }
            let mean = v.reduce(0, +) / Double(columns)
            let variance = v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(columns)
            let expected = v.indices.map { (v[$0] - mean) / (variance + 1e-12).squareRoot() * Double(gamma[$0]) + Double(beta[$0]) }
            var out = [Float](repeating: 0, count: columns)
            x.withUnsafeMutableBufferPointer { xp in
                out.withUnsafeMutableBufferPointer { op in
                    K.biasLayerNorm(xp.baseAddress!, bias: bias, into: op.baseAddress!, columns: columns, gamma: gamma, beta: beta, epsilon: 1e-12)
                }
            }
            for j in 0..<columns { #expect(abs(Double(out[j]) - expected[j]) < 1e-5) }
        }
    }

    @Test func batchesPackWholeTextsLongestFirst() {
        let plan = SentenceEncoder.plan(lengths: [3, 9, 4, 9, 2, 20], tokensPerBatch: 12)
        #expect(plan == [[5], [1], [3], [2, 0, 4]])
        #expect(SentenceEncoder.plan(lengths: [], tokensPerBatch: 5).isEmpty)
    }
}
