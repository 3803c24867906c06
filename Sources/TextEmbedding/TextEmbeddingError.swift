/// What can go wrong when finding, reading or running a sentence-embedding model.
///
/// Every case names the file and, where it applies, the tensor or field and what was expected
/// against what was found, so that a damaged or mismatched model can be fixed without a debugger.
public enum TextEmbeddingError: Error, CustomStringConvertible, Equatable {
    /// A file could not be opened or read.
    case cannotRead(path: String, reason: String)
    /// The model files were not found; `searched` lists where we looked.
    case modelNotFound(searched: [String], hint: String)
    /// A `.safetensors` file that ends before its header or a tensor's data says it should.
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)
    /// A `.safetensors` header that is not the JSON the format defines.
    case badHeader(path: String, reason: String)
    /// A tensor the model needs is missing from the weights file.
    case missingTensor(path: String, name: String)
    /// A tensor whose shape does not match the model's configuration.
    case shapeMismatch(path: String, tensor: String, expected: [Int], found: [Int])
    /// A tensor stored in an element type the reader cannot turn into the requested one.
    case unsupportedDType(path: String, tensor: String, dtype: String)
    /// A configuration or tokenizer file with a missing or unusable field.
    case badConfiguration(path: String, field: String, reason: String)
    /// A vocabulary that lacks a token the tokenizer needs (e.g. `[UNK]`, `[CLS]`).
    case missingToken(path: String, token: String)
    /// An argument outside what the model supports.
    case invalidArgument(name: String, reason: String)

    /// The message shown to a person: the file, the field or tensor, and what is wrong.
    public var description: String {
        switch self {
        case let .cannotRead(path, reason): return "\(path): cannot read (\(reason))"
        case let .modelNotFound(searched, hint):
            return "sentence-encoder model not found (looked in: \(searched.joined(separator: ", "))). \(hint)"
        case let .truncated(path, expected, actual):
            return "\(path): truncated (needs \(expected) bytes, has \(actual))"
        case let .badHeader(path, reason): return "\(path): bad safetensors header (\(reason))"
        case let .missingTensor(path, name): return "\(path): tensor \(name) is missing"
        case let .shapeMismatch(path, tensor, expected, found):
            return "\(path): tensor \(tensor) has shape \(Self.shape(found)), expected \(Self.shape(expected))"
        case let .unsupportedDType(path, tensor, dtype):
            return "\(path): tensor \(tensor) has dtype \(dtype); expected F32, F16 or BF16"
        case let .badConfiguration(path, field, reason): return "\(path): \(field) \(reason)"
        case let .missingToken(path, token): return "\(path): vocabulary has no \(token) token"
        case let .invalidArgument(name, reason): return "\(name): \(reason)"
        }
    }

    private static func shape(_ dims: [Int]) -> String { "[" + dims.map(String.init).joined(separator: ", ") + "]" }
}
