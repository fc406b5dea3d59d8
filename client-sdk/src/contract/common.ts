import { Type, type StringOptions } from '@sinclair/typebox';

/**
 * Field schemas every domain builds on, so that each limit is defined once for server and SDK.
 * TypeBox values: the server validates with them, the SDK derives its types from them.
 */
export const Uuid = Type.String({ format: 'uuid' });

/** No U+0000 anywhere: Postgres `text` cannot store it, so a NUL that got through failed the insert (500). */
export const NO_NUL_PATTERN = '^[^\\u0000]*$';

/**
 * A free-text field a client sends (names, notices, request ids). Every string a client sends is
 * either this or has a stricter pattern or format of its own; the fuzz test holds new routes to it.
 */
export function Text(options: Omit<StringOptions, 'pattern'> = {}) {
  return Type.String({ ...options, pattern: NO_NUL_PATTERN });
}

/**
 * The largest sequence number a client may name: sequence numbers are Postgres `bigint`s read
 * as JS numbers, and a larger value (e.g. `afterSeq=1e20`) overflowed `bigint` in the query (500).
 */
export const MAX_SEQ = Number.MAX_SAFE_INTEGER;
/** A message sequence number a client sends (`afterSeq`, `beforeSeq`). */
export function SeqNumber(minimum: 0 | 1) {
  return Type.Integer({ minimum, maximum: MAX_SEQ });
}

/** Unpadded URL-safe base64 of exactly `bytes` bytes. */
export function B64Bytes(bytes: number) {
  const length = Math.ceil((bytes * 4) / 3);
  return Type.String({ pattern: '^[A-Za-z0-9_-]*$', minLength: length, maxLength: length });
}

/** Unpadded URL-safe base64 up to `maxBytes` bytes. */
export function B64Blob(maxBytes: number) {
  return Type.String({ pattern: '^[A-Za-z0-9_-]+$', minLength: 1, maxLength: Math.ceil((maxBytes * 4) / 3) });
}

export const PublicKey = B64Bytes(32);
export const Signature = B64Bytes(64);
export const Nonce = B64Bytes(24);
/** crypto_box_seal of a 32-byte key: 32 + 48 bytes. */
export const SealedKey = B64Bytes(80);
/** Upper bound of one encrypted message (text plus small inline attachment metadata). */
export const MAX_CIPHERTEXT_BYTES = 64 * 1024;
export const Ciphertext = B64Blob(MAX_CIPHERTEXT_BYTES);

export const Username = Type.String({ minLength: 3, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' });
export const Email = Type.String({ format: 'email', maxLength: 254 });
export const Name = Text({ minLength: 1, maxLength: 200 });
export const Postcode = Type.String({ pattern: '^[0-9]{5}$' });
export const LinkCode = Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
/**
 * RFC 3339 as JavaScript's `Date` reads it: the format alone also lets through a leap second
 * (`23:59:60Z`) and offsets without minutes (`+01`), which `new Date()` cannot parse (500).
 * Years 0000 and 9999 are out too: with an offset they leave the four-digit years in UTC, and such
 * a date no longer serialises as a date-time.
 */
export const Timestamp = Type.String({
  format: 'date-time',
  pattern: '^(?!0000|9999)\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:[0-5]\\d(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$',
  maxLength: 35,
});
export const Role = Type.Union([Type.Literal('seeker'), Type.Literal('counsellor'), Type.Literal('admin')]);

/** Every error answer: the stable code from the server's catalogue, a message, the HTTP status. */
export const ErrorBody = Type.Object(
  {
    code: Type.String(),
    message: Type.String(),
    statusCode: Type.Integer(),
  },
  { $id: 'ErrorBody' },
);

export const IdParams = Type.Object({ id: Uuid });

export const KdfParamsSchema = Type.Object({
  salt: B64Bytes(16),
  opsLimit: Type.Integer({ minimum: 1, maximum: 16 }),
  memLimit: Type.Integer({ minimum: 8192, maximum: 1024 * 1024 * 1024 }),
});

export const PublicIdentitySchema = Type.Object({
  signPublicKey: PublicKey,
  boxPublicKey: PublicKey,
});

export const UserKeys = Type.Object({
  userId: Uuid,
  role: Role,
  /** Staff display name; null for seekers. */
  displayName: Type.Union([Type.String(), Type.Null()]),
  signPublicKey: PublicKey,
  boxPublicKey: PublicKey,
});
