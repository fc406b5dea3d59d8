import { CryptoError, CryptoFailure } from './failures.ts';
import { sodium } from './sodium.ts';

/**
 * End-to-end encryption of single encoded media frames (what an RTCRtpScriptTransform or an
 * encoded-streams transform sees), with the call's media key of one generation.
 *
 * Wire format of a protected frame:
 *
 *     clear header ‖ XChaCha20-Poly1305-IETF(key, nonce, AD, rest) ‖ nonce(24) ‖ generation(1) ‖ 0xE2 0xEE
 *
 * The clear header stays readable so the SFU can still forward the stream and detect key frames,
 * and the receiving browser's depacketizer can still read what it needs:
 *
 * - VP8 (RFC 6386 §9.1 uncompressed data chunk): 10 bytes for a key frame — the frame tag (3) plus
 *   start code (3) plus width/height (4) — and 3 bytes (the frame tag) for a delta frame. A frame
 *   is a key frame iff `(byte0 & 1) === 0` (the P bit of the frame tag is 0).
 * - Opus: 1 byte (the TOC byte).
 * - Anything else: 1 byte.
 *
 * The associated data is `magic ‖ generation ‖ codec tag ‖ clear header`: the clear header cannot
 * be altered, and a frame cannot be replayed under another generation or into a stream of
 * another codec. Nonces are random (24 bytes, so no coordination between senders sharing a key).
 * Not covered (documented limits): replay of a whole earlier frame of the same stream and
 * generation, and which participant sent a frame (every participant holds the group key).
 */

export type FrameCodec = 'vp8' | 'opus' | 'unknown';

/** Last two bytes of every protected frame ("E2EE"). */
export const FRAME_MAGIC = Uint8Array.of(0xe2, 0xee);
export const FRAME_NONCE_BYTES = 24;
/** nonce ‖ generation ‖ magic */
export const FRAME_TRAILER_BYTES = FRAME_NONCE_BYTES + 1 + FRAME_MAGIC.length;
export const FRAME_TAG_BYTES = 16;
export const MEDIA_KEY_BYTES = 32;

const CODEC_TAG: Record<FrameCodec, number> = { vp8: 1, opus: 2, unknown: 3 };

export type FrameKeys = ReadonlyMap<number, Uint8Array> | ((generation: number) => Uint8Array | undefined);

/** Whether a VP8 frame is a key frame (P bit of the frame tag is 0). */
export function isVp8KeyFrame(frame: Uint8Array): boolean {
  return frame.length > 0 && ((frame[0] as number) & 1) === 0;
}

/** How many leading bytes of `frame` stay in the clear for `codec`. */
export function clearHeaderLength(frame: Uint8Array, codec: FrameCodec): number {
  const wanted = codec === 'vp8' ? (isVp8KeyFrame(frame) ? 10 : 3) : 1;
  return Math.min(wanted, frame.length);
}

function associatedData(header: Uint8Array, generation: number, codec: FrameCodec): Uint8Array {
  const ad = new Uint8Array(FRAME_MAGIC.length + 2 + header.length);
  ad.set(FRAME_MAGIC, 0);
  ad[FRAME_MAGIC.length] = generation;
  ad[FRAME_MAGIC.length + 1] = CODEC_TAG[codec];
  ad.set(header, FRAME_MAGIC.length + 2);
  return ad;
}

function checkGeneration(generation: number): void {
  if (!Number.isInteger(generation) || generation < 0 || generation > 255) {
    throw new CryptoError(CryptoFailure.ENCRYPTION_UNAVAILABLE, `Media key generation ${generation} is outside 0..255`);
  }
}

/** Encrypts one encoded frame with the media key of `generation`. Never returns the input. */
export function encryptFrame(frame: Uint8Array, key: Uint8Array, generation: number, codec: FrameCodec): Uint8Array {
  checkGeneration(generation);
  if (key.length !== MEDIA_KEY_BYTES) {
    throw new CryptoError(CryptoFailure.ENCRYPTION_UNAVAILABLE, 'A media key must be 32 bytes');
  }
  const headerLength = clearHeaderLength(frame, codec);
  const header = frame.subarray(0, headerLength);
  const nonce = sodium.randombytes_buf(FRAME_NONCE_BYTES);
  const sealed = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    frame.subarray(headerLength),
    associatedData(header, generation, codec),
    null,
    nonce,
    key,
  );
  const out = new Uint8Array(headerLength + sealed.length + FRAME_TRAILER_BYTES);
  out.set(header, 0);
  out.set(sealed, headerLength);
  let offset = headerLength + sealed.length;
  out.set(nonce, offset);
  offset += FRAME_NONCE_BYTES;
  out[offset] = generation;
  out.set(FRAME_MAGIC, offset + 1);
  return out;
}

/** Whether `frame` ends with the trailer magic and is long enough to be a protected frame. */
export function hasFrameTrailer(frame: Uint8Array): boolean {
  if (frame.length < FRAME_TRAILER_BYTES + FRAME_TAG_BYTES) return false;
  const end = frame.length;
  return frame[end - 2] === FRAME_MAGIC[0] && frame[end - 1] === FRAME_MAGIC[1];
}

/** The key generation a protected frame claims, or null when it carries no trailer. */
export function frameGeneration(frame: Uint8Array): number | null {
  return hasFrameTrailer(frame) ? (frame[frame.length - FRAME_MAGIC.length - 1] as number) : null;
}

/**
 * Decrypts one protected frame back to the exact encoded bytes. Throws a CryptoError
 * (DECRYPTION_FAILED: no trailer, tampered or wrong key; UNKNOWN_EPOCH: no key for the claimed
 * generation) — never returns ciphertext.
 */
export function decryptFrame(frame: Uint8Array, keys: FrameKeys, codec: FrameCodec): Uint8Array {
  const generation = frameGeneration(frame);
  if (generation === null) throw new CryptoError(CryptoFailure.DECRYPTION_FAILED, 'The frame is not end-to-end encrypted');
  const key = typeof keys === 'function' ? keys(generation) : keys.get(generation);
  if (!key) throw new CryptoError(CryptoFailure.UNKNOWN_EPOCH, `No media key for generation ${generation}`);
  const body = frame.subarray(0, frame.length - FRAME_TRAILER_BYTES);
  const nonce = frame.subarray(body.length, body.length + FRAME_NONCE_BYTES);
  // The clear header is recomputed from the (clear) first byte exactly as the sender did.
  const headerLength = Math.min(clearHeaderLength(body, codec), body.length - FRAME_TAG_BYTES);
  if (headerLength < 0) throw new CryptoError(CryptoFailure.DECRYPTION_FAILED, 'The frame is too short');
  const header = body.subarray(0, headerLength);
  let plain: Uint8Array;
  try {
    plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      body.subarray(headerLength),
      associatedData(header, generation, codec),
      nonce,
      key,
    );
  } catch {
    throw new CryptoError(CryptoFailure.DECRYPTION_FAILED, 'The frame did not decrypt');
  }
  const out = new Uint8Array(headerLength + plain.length);
  out.set(header, 0);
  out.set(plain, headerLength);
  return out;
}
