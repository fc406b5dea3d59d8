import { describe, expect, it } from 'vitest';
import { CryptoFailure } from '../src/crypto/failures.ts';
import {
  FRAME_MAGIC,
  FRAME_TAG_BYTES,
  FRAME_TRAILER_BYTES,
  clearHeaderLength,
  decryptFrame,
  encryptFrame,
  frameGeneration,
  hasFrameTrailer,
  isVp8KeyFrame,
} from '../src/crypto/media-frames.ts';
import { sodium } from '../src/crypto/sodium.ts';
import { failureOf } from './failure-of.ts';

const key0 = sodium.randombytes_buf(32);
const key1 = sodium.randombytes_buf(32);


/** A plausible VP8 key frame: tag with P=0, start code, 640x480, then payload. */
function vp8KeyFrame(size = 200): Uint8Array {
  const frame = sodium.randombytes_buf(size);
  frame.set([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01], 0);
  return frame;
}

function vp8DeltaFrame(size = 120): Uint8Array {
  const frame = sodium.randombytes_buf(size);
  frame[0] = 0x31; // P = 1
  return frame;
}

const hex = (bytes: Uint8Array) => sodium.to_hex(bytes);

describe('media frame encryption', () => {
  it('should keep 10 bytes of a VP8 key frame and 3 of a delta frame in the clear', () => {
    const key = vp8KeyFrame();
    const delta = vp8DeltaFrame();
    expect(isVp8KeyFrame(key)).toBe(true);
    expect(isVp8KeyFrame(delta)).toBe(false);
    expect(clearHeaderLength(key, 'vp8')).toBe(10);
    expect(clearHeaderLength(delta, 'vp8')).toBe(3);
    expect(clearHeaderLength(delta, 'opus')).toBe(1);
    expect(clearHeaderLength(delta, 'unknown')).toBe(1);

    const sealedKey = encryptFrame(key, key0, 0, 'vp8');
    expect(hex(sealedKey.subarray(0, 10))).toBe(hex(key.subarray(0, 10)));
    // Still a key frame for the SFU, which reads only the clear first byte.
    expect(isVp8KeyFrame(sealedKey)).toBe(true);
    expect(hex(sealedKey.subarray(10, 20))).not.toBe(hex(key.subarray(10, 20)));
    expect(sealedKey.length).toBe(key.length + FRAME_TAG_BYTES + FRAME_TRAILER_BYTES);

    const sealedDelta = encryptFrame(delta, key0, 0, 'vp8');
    expect(hex(sealedDelta.subarray(0, 3))).toBe(hex(delta.subarray(0, 3)));
    expect(isVp8KeyFrame(sealedDelta)).toBe(false);
    expect(hex(sealedDelta.subarray(3, 13))).not.toBe(hex(delta.subarray(3, 13)));
  });

  it('should append nonce, generation and magic, and round-trip exactly', () => {
    for (const [frame, codec] of [
      [vp8KeyFrame(), 'vp8'],
      [vp8DeltaFrame(), 'vp8'],
      [sodium.randombytes_buf(80), 'opus'],
      [sodium.randombytes_buf(33), 'unknown'],
    ] as const) {
      const sealed = encryptFrame(frame, key1, 7, codec);
      expect(hasFrameTrailer(sealed)).toBe(true);
      expect(frameGeneration(sealed)).toBe(7);
      expect([...sealed.subarray(sealed.length - 2)]).toEqual([...FRAME_MAGIC]);
      expect(hex(decryptFrame(sealed, new Map([[7, key1]]), codec))).toBe(hex(frame));
      expect(hex(decryptFrame(sealed, (g) => (g === 7 ? key1 : undefined), codec))).toBe(hex(frame));
    }
  });

  it('should use a fresh nonce for every frame', () => {
    const frame = vp8DeltaFrame();
    expect(hex(encryptFrame(frame, key0, 0, 'vp8'))).not.toBe(hex(encryptFrame(frame, key0, 0, 'vp8')));
  });

  it('should handle frames shorter than the clear header, and empty frames', () => {
    for (const size of [0, 1, 2, 5, 9, 10, 11]) {
      const frame = vp8KeyFrame(Math.max(size, 10)).subarray(0, size);
      const sealed = encryptFrame(frame, key0, 1, 'vp8');
      expect(hex(decryptFrame(sealed, new Map([[1, key0]]), 'vp8'))).toBe(hex(frame));
      const audio = sodium.randombytes_buf(size);
      expect(hex(decryptFrame(encryptFrame(audio, key0, 1, 'opus'), new Map([[1, key0]]), 'opus'))).toBe(hex(audio));
    }
  });

  it('should refuse a wrong key, an unknown generation, tampering and plain frames', () => {
    const frame = vp8KeyFrame();
    const sealed = encryptFrame(frame, key0, 2, 'vp8');
    expect(failureOf(() => decryptFrame(sealed, new Map([[2, key1]]), 'vp8'))).toBe(CryptoFailure.DECRYPTION_FAILED);
    expect(failureOf(() => decryptFrame(sealed, new Map([[3, key0]]), 'vp8'))).toBe(CryptoFailure.UNKNOWN_EPOCH);
    // Every byte matters: clear header (associated data), ciphertext, nonce, generation.
    for (const index of [0, 5, 9, 10, 50, sealed.length - FRAME_TRAILER_BYTES + 1]) {
      const tampered = sealed.slice();
      tampered[index] = (tampered[index] as number) ^ 0x04;
      expect(failureOf(() => decryptFrame(tampered, new Map([[2, key0]]), 'vp8')), `byte ${index}`).not.toBeNull();
    }
    // Another generation byte with the same key: the generation is bound as associated data.
    const regenerated = sealed.slice();
    regenerated[sealed.length - 3] = 5;
    expect(failureOf(() => decryptFrame(regenerated, new Map([[5, key0]]), 'vp8'))).toBe(CryptoFailure.DECRYPTION_FAILED);
    // Replayed into a stream of another codec.
    const audio = encryptFrame(sodium.randombytes_buf(60), key0, 2, 'opus');
    expect(failureOf(() => decryptFrame(audio, new Map([[2, key0]]), 'unknown'))).toBe(CryptoFailure.DECRYPTION_FAILED);
    // A clear frame is refused, never passed through.
    expect(failureOf(() => decryptFrame(frame, new Map([[2, key0]]), 'vp8'))).toBe(CryptoFailure.DECRYPTION_FAILED);
    expect(failureOf(() => decryptFrame(new Uint8Array(0), new Map([[2, key0]]), 'vp8'))).toBe(CryptoFailure.DECRYPTION_FAILED);
  });

  it('should refuse generations outside one byte and short keys', () => {
    expect(failureOf(() => encryptFrame(vp8DeltaFrame(), key0, 256, 'vp8'))).toBe(CryptoFailure.ENCRYPTION_UNAVAILABLE);
    expect(failureOf(() => encryptFrame(vp8DeltaFrame(), key0, -1, 'vp8'))).toBe(CryptoFailure.ENCRYPTION_UNAVAILABLE);
    expect(failureOf(() => encryptFrame(vp8DeltaFrame(), key0.subarray(0, 16), 0, 'vp8'))).toBe(
      CryptoFailure.ENCRYPTION_UNAVAILABLE,
    );
  });
});
