/// The audio worklet: the microphone's samples, resampled to 16 kHz mono, as 16-bit PCM in 100 ms frames.
enum PCMWorkletScript {
    /// The worklet module.
    static let text = #"""
// Runs on the audio thread: linear resampling from the context's rate to 16 kHz, then 3,200-byte frames (100 ms of
// 16-bit little-endian mono PCM) posted to the page, which sends each as one WebSocket binary frame.
class PCMFrames extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / 16000;
    this.position = 0;     // in the block below, where index 0 is the previous block's last sample
    this.previous = 0;
    this.frame = new Int16Array(1600);
    this.filled = 0;
  }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel || channel.length === 0) return true;
    const at = (i) => (i === 0 ? this.previous : channel[i - 1]);
    while (this.position < channel.length) {
      const index = Math.floor(this.position);
      const fraction = this.position - index;
      const sample = at(index) * (1 - fraction) + at(index + 1) * fraction;
      const clamped = Math.max(-1, Math.min(1, sample));
      this.frame[this.filled++] = clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff;
      if (this.filled === this.frame.length) {
        this.port.postMessage(this.frame.buffer, [this.frame.buffer]);
        this.frame = new Int16Array(1600);
        this.filled = 0;
      }
      this.position += this.step;
    }
    this.position -= channel.length;
    this.previous = channel[channel.length - 1];
    return true;
  }
}
registerProcessor('pcm-frames', PCMFrames);
"""#
}
