import Foundation

/// Prints `value` as one JSON object on stdout (keys sorted, so output is stable).
public func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let data = try encoder.encode(value)
    print(String(decoding: data, as: UTF8.self))
}

/// `"10,20,40"` → `[10, 20, 40]`, or nil when a part is not an integer.
public func integerList(_ text: String) -> [Int]? {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
    return parts.map { $0! }
}

/// `"als, neumf,,"` → `["als", "neumf"]`: comma-separated names, trimmed, empty parts dropped.
public func nameList(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

/// A failure about the input (a file, an id, a value), not the command line: printed as "Error: …"
/// without the usage text.
public struct InputError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
