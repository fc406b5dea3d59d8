/** Wire base64 (URL-safe, unpadded) to bytes. Schemas have already checked the alphabet. */
export function fromB64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

/** Bytes to wire base64. */
export function toB64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Random URL-safe code for links and activation. */
export function randomCode(bytes = 16): string {
  return toB64(crypto.getRandomValues(new Uint8Array(bytes)));
}
