/// Converts a stream of 16-bit little-endian mono PCM from one sample rate to a lower one (24 kHz from OpenAI
/// Realtime clients to Fun-ASR's 16 kHz or 8 kHz) by linear interpolation. Pure and incremental: chunks may split
/// anywhere, even inside a sample, and the output is the same as for the stream in one piece.
struct PCMResampler: Sendable, Equatable {
    /// The input sample rate in Hz.
    let inputRate: Int
    /// The output sample rate in Hz.
    let outputRate: Int
    /// A byte of an incomplete sample carried to the next chunk.
    private var carry: UInt8?
    /// Input samples not yet fully used (the first is at input position 0).
    private var pending: [Int16] = []
    /// The next output sample's input position, in units of 1/outputRate input samples.
    private var position = 0

    /// A resampler from `inputRate` to `outputRate` (both positive).
    init(from inputRate: Int, to outputRate: Int) {
        precondition(inputRate > 0 && outputRate > 0)
        self.inputRate = inputRate
        self.outputRate = outputRate
    }

    /// Takes the next chunk of input bytes and returns the output bytes it completes.
    mutating func resample(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var iterator = bytes.makeIterator()
        if let low = carry {
            guard let high = iterator.next() else { return [] }
            pending.append(Int16(bitPattern: UInt16(low) | UInt16(high) << 8))
            carry = nil
        }
        while let low = iterator.next() {
            guard let high = iterator.next() else {
                carry = low
                break
            }
            pending.append(Int16(bitPattern: UInt16(low) | UInt16(high) << 8))
        }
        var output: [UInt8] = []
        output.reserveCapacity(pending.count * outputRate / inputRate * 2 + 2)
        while true {
            let index = position / outputRate
            let fraction = position % outputRate
            guard index < pending.count, fraction == 0 || index + 1 < pending.count else { break }
            var value = Int(pending[index])
            if fraction != 0 {
                value = (value * (outputRate - fraction) + Int(pending[index + 1]) * fraction) / outputRate
            }
            let sample = UInt16(bitPattern: Int16(value))
            output.append(UInt8(sample & 0xFF))
            output.append(UInt8(sample >> 8))
            position += inputRate
        }
        let used = min(position / outputRate, pending.count)
        pending.removeFirst(used)
        position -= used * outputRate
        return output
    }
}
