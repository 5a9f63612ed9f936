import { RecentValues } from '../recent-values';

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
  // Identical text objects compare by reference first, so a hit costs no scan of the text.
  private readonly recent = new RecentValues<string, Buffer>(REMEMBERED);

  bytesOf(text: string): Buffer {
    if (text.length < MIN_REUSED_LENGTH) return Buffer.from(text);
    const known = this.recent.get(text);
    if (known) return known;
    const bytes = Buffer.from(text);
    this.recent.remember(text, bytes);
    return bytes;
  }
}
