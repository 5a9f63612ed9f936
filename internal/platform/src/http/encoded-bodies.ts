/** Bodies shorter than this are encoded every time: a lookup would cost about as much. */
const MIN_REUSED_LENGTH = 8 * 1024;
const REMEMBERED = 8;

/**
 * Response bodies as UTF-8 bytes, with the bytes of the last few large
 * bodies kept for reuse: when one text object is sent many times (answers of
 * identical in-flight queries share one serialized text), it is encoded once.
 * Writing bytes rather than a string also spares the socket's slower
 * string-encoding path.
 */
export class EncodedBodies {
  private readonly recent: { text: string; bytes: Buffer }[] = [];

  bytesOf(text: string): Buffer {
    if (text.length < MIN_REUSED_LENGTH) return Buffer.from(text);
    // Identical text objects compare by reference first, so a hit costs no scan of the text.
    const hit = this.recent.find((entry) => entry.text === text);
    if (hit) return hit.bytes;
    const bytes = Buffer.from(text);
    this.recent.unshift({ text, bytes });
    if (this.recent.length > REMEMBERED) this.recent.pop();
    return bytes;
  }
}
