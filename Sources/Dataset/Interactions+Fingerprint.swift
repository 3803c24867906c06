import Support

extension Interactions {
    /// A 64-bit checksum of the ratings: both id maps, the threshold and every entry of the user × item
    /// matrix (item, rating, timestamp). Equal data gives an equal fingerprint whatever file or cache it
    /// was read from; any change to a rating, an id or the threshold changes it. Artefacts record it in
    /// their provenance, so a model trained on other data is recognised as such.
    /// - Complexity: O(ratings), at memory speed (`Checksum`).
    public var fingerprint: UInt64 {
        var h = UInt64(threshold.bitPattern)
        func mix<T>(_ column: [T]) { column.withUnsafeBytes { h = Checksum.hash($0, seed: h) } }
        func mix<T>(_ column: DenseColumn<T>) { column.withUnsafeBufferPointer { h = Checksum.hash(UnsafeRawBufferPointer($0), seed: h) } }
        mix(users.externalIds)
        mix(items.externalIds)
        mix(byUser.rowStart)
        mix(byUser.columnIndex)
        mix(byUser.values)
        mix(byUser.timestamps)
        return h
    }
}
