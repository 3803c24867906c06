import Foundation

/// Publishing a folder of several files all at once or not at all (export's `.npy` files, a synthetic
/// dataset, a downloaded one): the new content is built in a staging folder beside the target, then
/// swapped in with one `renameat2(RENAME_EXCHANGE)` (Linux 3.15+), so a reader or an interruption sees
/// either the old folder or the new one, never a mix.
///
/// Where the exchange is not available the old folder is first renamed aside (`.<name>.old-<pid>-…`)
/// and the staging folder renamed into place; a kill between those two renames leaves the old folder
/// aside, and the next sweep (`TemporaryFiles.sweep`) renames it back. Files already in the target that
/// the new content does not replace are kept (hard-linked into the staging folder, or copied).
public enum AtomicDirectory {
    /// Calls `body` with an empty staging folder, then publishes its content as `folder`.
    /// - Throws: what `body` throws (the staging folder is removed and `folder` left as it was), or
    ///   `ArtifactError.writeFailed`.
    public static func publish(to folder: URL, _ body: (URL) throws -> Void) throws {
        let folder = folder.standardizedFileURL
        let parent = folder.deletingLastPathComponent()
        func failed(_ reason: String) -> ArtifactError { .writeFailed(path: folder.path, reason: reason) }
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch { throw failed("cannot create folder \(parent.path): \(error.localizedDescription)") }
        TemporaryFiles.sweep(parent)
        let staging = parent.appendingPathComponent(TemporaryFiles.name(for: folder.lastPathComponent))
        TemporaryFiles.register(staging)
        defer {
            try? FileManager.default.removeItem(at: staging)
            TemporaryFiles.unregister(staging)
        }
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch { throw failed("cannot create \(staging.path): \(error.localizedDescription)") }
        try body(staging)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw failed("exists and is not a folder") }
            try keepOthers(from: folder, in: staging)
        } else if rename(staging.path, folder.path) == 0 {
            return
        } else if errno != EEXIST && errno != ENOTEMPTY {
            throw failed(String(cString: strerror(errno)))
        }
        try swap(staging, folder, parent: parent)
        // `staging` now holds the old content; the deferred removal deletes it.
    }

    /// Hard-links (or copies) into `staging` every entry of `folder` that `staging` does not replace.
    private static func keepOthers(from folder: URL, in staging: URL) throws {
        let fm = FileManager.default
        let ours = Set((try? fm.contentsOfDirectory(atPath: staging.path)) ?? [])
        for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] where !ours.contains(name) {
            if TemporaryFiles.parse(name) != nil { continue } // another writer's temporary stays where it is
            let from = folder.appendingPathComponent(name), to = staging.appendingPathComponent(name)
            if link(from.path, to.path) == 0 { continue }
            do { try fm.copyItem(at: from, to: to) } catch {
                throw ArtifactError.writeFailed(path: folder.path, reason: "cannot keep \(name): \(error.localizedDescription)")
            }
        }
    }

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// glibc's `renameat2`, looked up at run time (not every C library declares it).
    private static let renameat2: RenameAt2? = {
        #if os(Linux)
        guard let symbol = dlsym(nil, "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
        #else
        return nil
        #endif
    }()

    /// Exchanges `a` and `b` atomically where the system can, else by two renames through an aside name.
    static func swap(_ a: URL, _ b: URL, parent: URL) throws {
        let exchange: UInt32 = 2 // RENAME_EXCHANGE
        if let renameat2, renameat2(AT_FDCWD, a.path, AT_FDCWD, b.path, exchange) == 0 { return }
        let aside = parent.appendingPathComponent(TemporaryFiles.name(for: b.lastPathComponent, kind: "old"))
        guard rename(b.path, aside.path) == 0 else {
            throw ArtifactError.writeFailed(path: b.path, reason: "cannot move the old folder aside: \(String(cString: strerror(errno)))")
        }
        guard rename(a.path, b.path) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = rename(aside.path, b.path)
            throw ArtifactError.writeFailed(path: b.path, reason: reason)
        }
        _ = rename(aside.path, a.path)
    }
}
