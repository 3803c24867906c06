import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Support

/// Blocking HTTP(S) GET through `URLSession`, streaming the body to a file as it arrives (`file://`
/// addresses are copied).
enum HTTPFetch {
    /// Fetches `url` into `file` (created or truncated).
    /// - Returns: the number of bytes received.
    /// - Throws: `DownloadError.http` for a status other than 200, `.network` for transport failures.
    static func fetch(_ url: URL, to file: URL, timeout: TimeInterval, progress: ProgressReporter?) throws -> Int {
        if url.isFileURL {
            do {
                try? FileManager.default.removeItem(at: file)
                try FileManager.default.copyItem(at: url, to: file)
                return (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            } catch {
                throw DownloadError.network(url: url.absoluteString, reason: error.localizedDescription)
            }
        }
        guard FileManager.default.createFile(atPath: file.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: file) else {
            throw DownloadError.cannotWrite(path: file.path, reason: "cannot create the file")
        }
        defer { try? handle.close() }
        let delegate = FetchDelegate(handle: handle, progress: progress)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        session.dataTask(with: URLRequest(url: url)).resume()
        delegate.done.wait()
        session.finishTasksAndInvalidate()

        let outcome = delegate.outcome()
        if outcome.status != 0 && outcome.status != 200 {
            throw DownloadError.http(url: url.absoluteString, status: outcome.status)
        }
        if let reason = outcome.writeError {
            throw DownloadError.cannotWrite(path: file.path, reason: reason)
        }
        if let reason = outcome.transportError {
            throw DownloadError.network(url: url.absoluteString, reason: reason)
        }
        if outcome.status != 200 {
            throw DownloadError.network(url: url.absoluteString, reason: "no HTTP response")
        }
        if let expected = outcome.expectedLength, expected >= 0, expected != outcome.bytes {
            throw DownloadError.network(url: url.absoluteString, reason: "received \(outcome.bytes) of \(expected) bytes")
        }
        return outcome.bytes
    }

    /// Fetches a small resource into memory (through a temporary file).
    static func fetchSmall(_ url: URL, timeout: TimeInterval) throws -> Data {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("marquee-fetch-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        defer { try? FileManager.default.removeItem(at: file) }
        _ = try fetch(url, to: file, timeout: timeout, progress: nil)
        return try Data(contentsOf: file)
    }
}

/// Receives one transfer: checks the status, appends the body to a file, signals when done. Callbacks
/// arrive on the session's serial delegate queue; `outcome()` is read after `done` is signalled.
private final class FetchDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    struct Outcome {
        var status = 0
        var bytes = 0
        var expectedLength: Int64?
        var transportError: String?
        var writeError: String?
    }

    let done = DispatchSemaphore(value: 0)
    private let handle: FileHandle
    private let progress: ProgressReporter?
    private let lock = NSLock()
    private var state = Outcome()

    init(handle: FileHandle, progress: ProgressReporter?) {
        self.handle = handle
        self.progress = progress
    }

    func outcome() -> Outcome {
        lock.lock(); defer { lock.unlock() }
        return state
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let http = response as? HTTPURLResponse
        lock.lock()
        state.status = http?.statusCode ?? 0
        state.expectedLength = response.expectedContentLength >= 0 ? response.expectedContentLength : nil
        lock.unlock()
        completionHandler(http?.statusCode == 200 ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        do {
            try handle.write(contentsOf: data)
        } catch {
            lock.lock(); state.writeError = error.localizedDescription; lock.unlock()
            dataTask.cancel()
            return
        }
        lock.lock(); state.bytes += data.count; lock.unlock()
        progress?.advance(by: data.count)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if let error {
            lock.lock()
            if state.transportError == nil { state.transportError = error.localizedDescription }
            lock.unlock()
        }
        done.signal()
    }
}
