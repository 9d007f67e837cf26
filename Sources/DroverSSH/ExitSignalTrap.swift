import CLibSSH

/// Catches the "exit-signal" channel request, which libssh 0.10 reports only
/// through a callback. Data callbacks stay unset, so output is still buffered
/// for `ssh_channel_read_*`.
final class ExitSignalTrap {
    private(set) var signal: String?
    private let callbacks: UnsafeMutablePointer<ssh_channel_callbacks_struct>

    init() {
        callbacks = .allocate(capacity: 1)
        callbacks.initialize(to: ssh_channel_callbacks_struct())
        callbacks.pointee.size = MemoryLayout<ssh_channel_callbacks_struct>.size
        callbacks.pointee.channel_exit_signal_function = { _, _, signal, _, _, _, userdata in
            guard let userdata, let signal else { return }
            Unmanaged<ExitSignalTrap>.fromOpaque(userdata).takeUnretainedValue().signal = String(cString: signal)
        }
    }

    /// Installs the callback; the trap must outlive the channel.
    func install(on channel: ssh_channel) {
        callbacks.pointee.userdata = Unmanaged.passUnretained(self).toOpaque()
        ssh_set_channel_callbacks(channel, callbacks)
    }

    deinit {
        callbacks.deallocate()
    }
}
