import { Type } from '@sinclair/typebox';

/**
 * Field schemas every domain builds on, so that each limit is defined once for server and SDK.
 * TypeBox values: the server validates with them, the SDK derives its types from them.
 */
export const Uuid = Type.String({ format: 'uuid' });

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
export const Name = Type.String({ minLength: 1, maxLength: 200 });
export const Postcode = Type.String({ pattern: '^[0-9]{5}$' });
export const LinkCode = Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
export const Timestamp = Type.String({ format: 'date-time' });
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
