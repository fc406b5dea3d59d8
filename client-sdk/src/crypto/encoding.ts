import { sodium } from './sodium.ts';

/** Bytes to the URL-safe, unpadded base64 used on the wire. */
export function toB64(bytes: Uint8Array): string {
  return sodium.to_base64(bytes, sodium.base64_variants.URLSAFE_NO_PADDING);
}

/** Wire base64 back to bytes. */
export function fromB64(text: string): Uint8Array {
  return sodium.from_base64(text, sodium.base64_variants.URLSAFE_NO_PADDING);
}

const encoder = new TextEncoder();

/** Length-prefixed concatenation, so that no two field lists serialise to the same bytes. */
export function frame(...parts: Array<string | number | Uint8Array>): Uint8Array {
  const chunks = parts.map((part) =>
    typeof part === 'string' ? encoder.encode(part) : typeof part === 'number' ? encoder.encode(String(part)) : part,
  );
  const total = chunks.reduce((sum, chunk) => sum + 4 + chunk.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const chunk of chunks) {
    view.setUint32(offset, chunk.length);
    out.set(chunk, offset + 4);
    offset += 4 + chunk.length;
  }
  return out;
}
