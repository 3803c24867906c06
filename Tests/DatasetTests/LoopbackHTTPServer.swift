import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) for download tests: serves fixed bodies by
/// path, 404 otherwise, one request per connection. It is bounded: it stops after `maxRequests`
/// connections, after `lifetime` seconds, or on `stop()`, whichever comes first. It never contacts any
/// other address.
final class LoopbackHTTPServer: @unchecked Sendable {
    let port: UInt16
    private let socketFD: Int32
    private let routes: [String: Data]
    private let lock = NSLock()
    private var stopped = false
    private var served: [String] = []
    private let finished = DispatchSemaphore(value: 0)

    /// The paths requested so far, in order.
    var requests: [String] {
        lock.lock(); defer { lock.unlock() }
        return served
    }

    init(routes: [String: Data], maxRequests: Int = 16, lifetime: TimeInterval = 30) throws {
        self.routes = routes
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError.socket(errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { close(fd); throw ServerError.socket(errno) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        socketFD = fd
        let deadline = Date().addingTimeInterval(lifetime)
        Thread.detachNewThread { [self] in
            serve(maxRequests: maxRequests, deadline: deadline)
        }
    }

    /// The address of `path` on this server.
    func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }

    /// Stops accepting and waits for the serving thread to end.
    func stop() {
        lock.lock(); stopped = true; lock.unlock()
        finished.wait()
    }

    enum ServerError: Error { case socket(Int32) }

    private var isStopped: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopped
    }

    private func serve(maxRequests: Int, deadline: Date) {
        defer { close(socketFD); finished.signal() }
        var count = 0
        while count < maxRequests && !isStopped && Date() < deadline {
            var poller = pollfd(fd: socketFD, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let client = accept(socketFD, nil, nil)
            guard client >= 0 else { continue }
            count += 1
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while request.count < 65_536 {
            let n = recv(client, &buffer, buffer.count, 0)
            if n <= 0 { return }
            request += buffer[0..<n]
            if request.count >= 4 && request.suffix(4).elementsEqual([13, 10, 13, 10]) { break }
        }
        let firstLine = String(decoding: request.prefix { $0 != 13 }, as: UTF8.self).split(separator: " ")
        let path = firstLine.count >= 2 ? String(firstLine[1]) : "/"
        lock.lock(); served.append(path); lock.unlock()
        let body = routes[path]
        let status = body == nil ? "404 Not Found" : "200 OK"
        let payload = body ?? Data("not found\n".utf8)
        let header = "HTTP/1.1 \(status)\r\nContent-Type: application/octet-stream\r\nContent-Length: \(payload.count)\r\nConnection: close\r\n\r\n"
        send(client, Data(header.utf8))
        send(client, payload)
    }

    private func send(_ client: Int32, _ data: Data) {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.send(client, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n <= 0 { return }
                offset += n
            }
        }
    }
}
