// The only file that touches libmicrohttpd, raw pointers or Unmanaged. Everything above it
// (MicroHTTPServer, StreamBuffer, RequestContext) is safe Swift.
import CMicroHTTPD
import Glibc

/// A libmicrohttpd pointer carried across threads; libmicrohttpd itself serialises access.
struct MHDPointer: @unchecked Sendable {
    let raw: OpaquePointer
}

/// The running libmicrohttpd daemon and the C callbacks that drive `ServerCore`.
final class MHDDaemon: Sendable {
    private let daemon: MHDPointer
    private let core: Unmanaged<ServerCore>
    /// Every open connection's request deadlines (header and body time limits); held strongly too, because the
    /// watchdog may still be enforcing them while `stop()` gives libmicrohttpd's reference back.
    private let watchRegistry: ConnectionWatches
    private let watches: Unmanaged<ConnectionWatches>
    /// The port actually bound.
    let port: Int

    /// Starts the daemon; throws when binding fails.
    init(configuration: ServerConfiguration, core: ServerCore) throws {
        let flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue
            | MHD_ALLOW_SUSPEND_RESUME.rawValue | MHD_USE_ITC.rawValue | MHD_ALLOW_UPGRADE.rawValue
        var storage = sockaddr_storage()
        let isIPv6 = try Self.fillAddress(&storage, host: configuration.host, port: configuration.port)
        let retained = Unmanaged.passRetained(core)
        var limits = configuration.requestTimeLimits
        limits.keepAliveIdle = .seconds(max(1, configuration.idleTimeoutSeconds))
        let watchRegistry = ConnectionWatches(limits: limits)
        let watches = Unmanaged.passRetained(watchRegistry)
        let started: OpaquePointer? = withUnsafeMutablePointer(to: &storage) { addressPointer in
            var options: [MHD_OptionItem] = [
                MHD_OptionItem(option: .THREAD_POOL_SIZE, value: max(1, configuration.threads), ptr_value: nil),
                MHD_OptionItem(
                    option: .CONNECTION_LIMIT, value: max(8, configuration.connectionLimit + ServerConfiguration.overloadHeadroom),
                    ptr_value: nil),
                MHD_OptionItem(option: .PER_IP_CONNECTION_LIMIT, value: max(0, configuration.perIPConnectionLimit), ptr_value: nil),
                MHD_OptionItem(option: .CONNECTION_TIMEOUT, value: max(1, configuration.idleTimeoutSeconds), ptr_value: nil),
                MHD_OptionItem(option: .LISTEN_BACKLOG_SIZE, value: 1024, ptr_value: nil),
                // 16 KiB per connection instead of the 32 KiB default: every open stream holds one (bench: 1,000 streams -11 MB).
                MHD_OptionItem(option: .CONNECTION_MEMORY_LIMIT, value: 16 * 1024, ptr_value: nil),
                MHD_OptionItem(option: .SOCK_ADDR, value: 0, ptr_value: UnsafeMutableRawPointer(addressPointer)),
                MHD_OptionItem(option: .END, value: 0, ptr_value: nil),
            ]
            let allFlags = flags | (isIPv6 ? MHD_USE_IPv6.rawValue : 0)
            return options.withUnsafeMutableBufferPointer { buffer in
                funasr_mhd_start_daemon(
                    allFlags, UInt16(configuration.port), accessHandler, retained.toOpaque(),
                    requestCompleted, retained.toOpaque(), connectionNotified, watches.toOpaque(), buffer.baseAddress)
            }
        }
        guard let started else {
            retained.release()
            watches.release()
            throw ServerStartError(
                description: "cannot listen on \(configuration.host):\(configuration.port) (address in use, or not an address of this machine)")
        }
        self.daemon = MHDPointer(raw: started)
        self.core = retained
        self.watches = watches
        self.watchRegistry = watchRegistry
        self.port = Int(funasr_mhd_bound_port(started))
    }

    /// Stops accepting new connections; open ones go on.
    func quiesce() -> Int32 {
        MHD_quiesce_daemon(daemon.raw)
    }

    /// Stops the daemon. Call only when no connection is suspended.
    func stop(listenSocket: Int32) {
        MHD_stop_daemon(daemon.raw)
        if listenSocket >= 0 { close(listenSocket) }
        core.release()
        watches.release()
    }

    /// Closes every connection past its header or body deadline; returns how many.
    @discardableResult
    func enforceDeadlines() -> Int {
        // Both directions: libmicrohttpd reads end-of-stream at once and closes the connection itself.
        watchRegistry.enforce { fd in _ = shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private static func fillAddress(_ storage: inout sockaddr_storage, host: String, port: Int) throws -> Bool {
        let literal = host == "localhost" ? "127.0.0.1" : host
        var v4 = in_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                address.pointee.sin_family = sa_family_t(AF_INET)
                address.pointee.sin_port = in_port_t(UInt16(port).bigEndian)
                address.pointee.sin_addr = v4
            }
            return false
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, literal, &v6) == 1 {
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                address.pointee.sin6_port = in_port_t(UInt16(port).bigEndian)
                address.pointee.sin6_addr = v6
            }
            return true
        }
        throw ServerStartError(description: "listen address '\(host)' is not an IPv4 or IPv6 literal")
    }
}

/// The connection actions `RequestContext` and `StreamBuffer` need, bound to one connection.
struct MHDConnection: Sendable {
    let pointer: MHDPointer
    /// The connection's deadlines: time it spends suspended is the server's and stops its body clock.
    let watch: ConnectionWatch?

    /// Parks the connection: libmicrohttpd stops calling back until `resume`.
    func suspend() {
        watch?.suspended()
        MHD_suspend_connection(pointer.raw)
    }
    /// Wakes a parked connection; safe from any thread.
    func resume() {
        watch?.resumed()
        MHD_resume_connection(pointer.raw)
    }

    /// True when the client closed its side (checked only while suspended).
    func clientHungUp(fd: Int32) -> Bool {
        guard fd >= 0 else { return false }
        var entry = pollfd(fd: fd, events: Int16(POLLIN) | 0x2000, revents: 0)
        let ready = poll(&entry, 1, 0)
        guard ready > 0 else { return false }
        let hangUpMask = Int16(POLLHUP) | Int16(POLLERR) | 0x2000
        return entry.revents & hangUpMask != 0
    }
}

// MARK: - C callbacks (non-capturing; context through Unmanaged)

private let accessHandler: MHD_AccessHandlerCallback = {
    cls, connection, url, method, _, uploadData, uploadDataSize, conCls in
    guard let cls, let connection, let conCls, let uploadDataSize else { return MHD_Result.NO }
    let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
    let watch = watch(of: connection)
    let handle = MHDConnection(pointer: MHDPointer(raw: connection), watch: watch)

    guard let existing = conCls.pointee else {
        let head = HTTPRequestHead(
            method: method.map { String(cString: $0) } ?? "GET",
            path: url.map { String(cString: $0) } ?? "/",
            query: collectValues(connection, kind: .GET_ARGUMENT_KIND),
            headers: HTTPHeaders(collectValues(connection, kind: .HEADER_KIND)))
        let context = core.begin(head: head, connection: handle, fd: funasr_mhd_connection_fd(connection))
        conCls.pointee = Unmanaged.passRetained(context).toOpaque()
        let early = context.headCall()
        watch?.headComplete(expectsBody: early == nil && BodyFraming(headers: head.headers).hasBody)
        if let early {
            return queue(early, on: handle, context: context, core: cls) ? MHD_Result.YES : MHD_Result.NO
        }
        return MHD_Result.YES
    }
    let context = Unmanaged<RequestContext>.fromOpaque(existing).takeUnretainedValue()

    if uploadDataSize.pointee > 0 {
        watch?.received(uploadDataSize.pointee)
        if let uploadData {
            let bytes = UnsafeRawBufferPointer(start: uploadData, count: uploadDataSize.pointee)
            context.appendBody(bytes)
        }
        uploadDataSize.pointee = 0
        return MHD_Result.YES
    }
    if watch?.bodyComplete() == true {
        // Complete, but after its deadline (the watchdog had not cut it yet): never handled.
        var late = core.handler.refusal(.requestTimeout, for: context.head)
        late.headers.replace("Connection", "close")
        return queue(late, on: handle, context: context, core: cls) ? MHD_Result.YES : MHD_Result.NO
    }
    switch context.finalCall() {
    case .wait:
        return MHD_Result.YES
    case .respond(let response):
        return queue(response, on: handle, context: context, core: cls) ? MHD_Result.YES : MHD_Result.NO
    }
}

private let requestCompleted: MHD_RequestCompletedCallback = { _, connection, conCls, _ in
    if let connection { watch(of: connection)?.requestEnded() }
    guard let conCls, let existing = conCls.pointee else { return }
    conCls.pointee = nil
    Unmanaged<RequestContext>.fromOpaque(existing).takeRetainedValue().connectionClosed()
}

/// Accepted and closed connections: each gets a retained `ConnectionWatch` as its socket context. libmicrohttpd
/// reports the close before it closes the socket.
private let connectionNotified: MHD_NotifyConnectionCallback = { cls, connection, socketContext, code in
    guard let cls, let connection, let socketContext else { return }
    let watches = Unmanaged<ConnectionWatches>.fromOpaque(cls).takeUnretainedValue()
    if code == .CONNECTION_NOTIFY_STARTED {
        let watch = watches.opened(fd: funasr_mhd_connection_fd(connection))
        socketContext.pointee = Unmanaged.passRetained(watch).toOpaque()
    } else if code == .CONNECTION_NOTIFY_CLOSED, let stored = socketContext.pointee {
        socketContext.pointee = nil
        watches.closed(Unmanaged<ConnectionWatch>.fromOpaque(stored).takeRetainedValue())
    }
}

/// The watch stored for a connection when it was accepted.
private func watch(of connection: OpaquePointer) -> ConnectionWatch? {
    funasr_mhd_socket_context(connection).map { Unmanaged<ConnectionWatch>.fromOpaque($0).takeUnretainedValue() }
}

private func collectValues(_ connection: OpaquePointer, kind: MHD_ValueKind) -> [(name: String, value: String)] {
    final class Box { var pairs: [(name: String, value: String)] = [] }
    let box = Box()
    let unmanaged = Unmanaged.passUnretained(box)
    _ = MHD_get_connection_values(connection, kind, { boxPointer, _, key, value in
        guard let boxPointer, let key else { return MHD_Result.YES }
        let box = Unmanaged<Box>.fromOpaque(boxPointer).takeUnretainedValue()
        box.pairs.append((name: String(cString: key), value: value.map { String(cString: $0) } ?? ""))
        return MHD_Result.YES
    }, unmanaged.toOpaque())
    return box.pairs
}

/// Queues a response on the connection; a stream starts its producer once queued; a WebSocket session waits for
/// libmicrohttpd to send the 101 and hand the socket to `upgradeHandler` (with `core` as its closure).
private func queue(
    _ response: HTTPResponse, on connection: MHDConnection, context: RequestContext, core: UnsafeMutableRawPointer
) -> Bool {
    let created: OpaquePointer?
    var streamBuffer: StreamBuffer?
    var isUpgrade = false
    switch response.body {
    case .webSocket(let limits, let session):
        context.prepareWebSocket(limits: limits, session: session)
        created = MHD_create_response_for_upgrade(upgradeHandler, core)
        isUpgrade = true
    case .bytes(let bytes):
        created = bytes.withUnsafeBytes { raw in
            MHD_create_response_from_buffer(
                raw.count, UnsafeMutableRawPointer(mutating: raw.baseAddress), .RESPMEM_MUST_COPY)
        }
    case .stream:
        let buffer = context.makeStreamBuffer()
        streamBuffer = buffer
        created = MHD_create_response_from_callback(
            UInt64.max, 1024, contentReader, Unmanaged.passRetained(buffer).toOpaque(), releaseStreamBuffer)
    }
    guard let created else { return false }
    // libmicrohttpd adds `Connection: Upgrade` to an upgrade response itself.
    for field in response.headers where !(isUpgrade && HTTPHeaders.sameName(field.name, "Connection")) {
        // withCString lends a native string's own bytes; passing the String bridged it through a new array.
        _ = field.name.withCString { name in field.value.withCString { MHD_add_response_header(created, name, $0) } }
    }
    let queued = MHD_queue_response(connection.pointer.raw, UInt32(response.status), created) == MHD_Result.YES
    MHD_destroy_response(created)
    if queued, let streamBuffer, case .stream(let producer) = response.body {
        context.startStream(producer, buffer: streamBuffer)
    }
    return queued
}

/// libmicrohttpd sent a 101 and hands the socket over (on its own thread: nothing here blocks). The session starts
/// on a `dup` of the socket (see `UpgradedConnections`); the original goes back through `MHD_upgrade_action(CLOSE)`
/// once the session is over.
private let upgradeHandler: MHD_UpgradeHandler = { cls, connection, conCls, extraIn, extraInSize, socket, urh in
    guard let urh else { return }
    let handle = MHDPointer(raw: urh)
    guard let cls, let conCls,
          let pending = Unmanaged<RequestContext>.fromOpaque(conCls).takeUnretainedValue().takeWebSocket()
    else {
        _ = funasr_mhd_upgrade_close(urh)
        return
    }
    let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
    if let connection { watch(of: connection)?.handedOver() }
    let buffered = extraIn.map { Array(UnsafeRawBufferPointer(start: UnsafeRawPointer($0), count: extraInSize)) } ?? []
    core.upgraded.start(
        descriptor: dup(socket), bufferedInput: buffered, limits: pending.limits, session: pending.session,
        giveBack: { _ = funasr_mhd_upgrade_close(handle.raw) })
}

private let contentReader: MHD_ContentReaderCallback = { cls, _, destination, max in
    guard let cls, let destination else { return MHD_CONTENT_READER_END_WITH_ERROR }
    let buffer = Unmanaged<StreamBuffer>.fromOpaque(cls).takeUnretainedValue()
    switch buffer.read(max: max) {
    case .bytes(let bytes):
        bytes.withUnsafeBytes { raw in
            UnsafeMutableRawPointer(destination).copyMemory(from: raw.baseAddress!, byteCount: raw.count)
        }
        return bytes.count
    case .suspend:
        return 0
    case .endOfStream:
        return MHD_CONTENT_READER_END_OF_STREAM
    case .abort:
        return MHD_CONTENT_READER_END_WITH_ERROR
    }
}

private let releaseStreamBuffer: MHD_ContentReaderFreeCallback = { cls in
    guard let cls else { return }
    Unmanaged<StreamBuffer>.fromOpaque(cls).release()
}
