import { describe, expect, it } from 'vitest';
import { CryptoFailure } from '../src/crypto/failures.ts';
import { generateIdentity, publicIdentity, unwrapIdentity, wrapIdentity } from '../src/crypto/identity.ts';
import { decryptMessage, encryptMessage } from '../src/crypto/messages.ts';
import { derivePasswordKeys, newKdfParams } from '../src/crypto/password.ts';
import { safetyNumber } from '../src/crypto/safety-number.ts';
import { newEpochKey, openEpochKey, sealEpochKey } from '../src/crypto/thread-keys.ts';
import { sodium } from '../src/crypto/sodium.ts';
import { failureOf } from './failure-of.ts';

const text = new TextEncoder().encode('a confidential sentence');


describe('password split', () => {
  it('should derive an auth key and a wrap key that differ and are reproducible', () => {
    const params = newKdfParams('minimum');
    const a = derivePasswordKeys('secret password', params);
    const b = derivePasswordKeys('secret password', params);
    expect(sodium.to_hex(a.authKey)).toBe(sodium.to_hex(b.authKey));
    expect(sodium.to_hex(a.wrapKey)).toBe(sodium.to_hex(b.wrapKey));
    expect(sodium.to_hex(a.authKey)).not.toBe(sodium.to_hex(a.wrapKey));
    expect(sodium.to_hex(derivePasswordKeys('other password', params).authKey)).not.toBe(sodium.to_hex(a.authKey));
  });

  it('should not expose the Argon2id output itself as either half', () => {
    const params = newKdfParams('minimum');
    const master = sodium.crypto_pwhash(32, 'pw', params.salt, params.opsLimit, params.memLimit, sodium.crypto_pwhash_ALG_ARGON2ID13);
    const keys = derivePasswordKeys('pw', params);
    expect(sodium.to_hex(keys.authKey)).not.toBe(sodium.to_hex(master));
    expect(sodium.to_hex(keys.wrapKey)).not.toBe(sodium.to_hex(master));
    expect(sodium.to_hex(keys.wrapKey)).toBe(
      sodium.to_hex(sodium.crypto_kdf_derive_from_key(32, 2, 'pwsplit_', master)),
    );
  });
});

describe('key backup', () => {
  it('should restore the identity with the right wrap key and refuse a wrong one or another username', () => {
    const identity = generateIdentity();
    const params = newKdfParams('minimum');
    const { wrapKey } = derivePasswordKeys('pw', params);
    const backup = wrapIdentity(identity, wrapKey, 'alice');
    const restored = unwrapIdentity(backup, wrapKey, 'alice');
    expect(sodium.to_hex(restored.signPublicKey)).toBe(sodium.to_hex(identity.signPublicKey));
    expect(sodium.to_hex(restored.boxPublicKey)).toBe(sodium.to_hex(identity.boxPublicKey));
    const wrong = derivePasswordKeys('wrong', params).wrapKey;
    expect(failureOf(() => unwrapIdentity(backup, wrong, 'alice'))).toBe(CryptoFailure.BACKUP_LOCKED);
    expect(failureOf(() => unwrapIdentity(backup, wrapKey, 'mallory'))).toBe(CryptoFailure.BACKUP_LOCKED);
  });
});

describe('epoch key envelopes', () => {
  const creator = generateIdentity();
  const recipient = generateIdentity();
  const address = { threadId: 't1', epoch: 2, recipientId: 'r', creatorId: 'c' };

  it('should open for the recipient only, and reject a swapped or re-addressed envelope', () => {
    const key = newEpochKey();
    const envelope = sealEpochKey(key, address, recipient.boxPublicKey, creator.signSecretKey);
    const opened = openEpochKey(envelope, address, creator.signPublicKey, recipient.boxPublicKey, recipient.boxSecretKey);
    expect(sodium.to_hex(opened)).toBe(sodium.to_hex(key));

    const other = generateIdentity();
    expect(
      failureOf(() => openEpochKey(envelope, address, creator.signPublicKey, other.boxPublicKey, other.boxSecretKey)),
    ).toBe(CryptoFailure.DECRYPTION_FAILED);
    // A server substituting its own sealed key cannot produce the creator's signature.
    const swapped = { ...envelope, sealedKey: sodium.crypto_box_seal(newEpochKey(), recipient.boxPublicKey) };
    expect(
      failureOf(() => openEpochKey(swapped, address, creator.signPublicKey, recipient.boxPublicKey, recipient.boxSecretKey)),
    ).toBe(CryptoFailure.BAD_ENVELOPE);
    expect(
      failureOf(() =>
        openEpochKey(envelope, { ...address, epoch: 3 }, creator.signPublicKey, recipient.boxPublicKey, recipient.boxSecretKey),
      ),
    ).toBe(CryptoFailure.BAD_ENVELOPE);
  });
});

describe('messages', () => {
  const sender = generateIdentity();
  const colleague = generateIdentity();
  const key = newEpochKey();
  const context = { threadId: 't', epoch: 1, senderId: 'sender', clientMessageId: 'm1' };

  it('should round-trip and bind every context field', () => {
    const message = encryptMessage(text, context, key, sender.signSecretKey);
    expect(new TextDecoder().decode(decryptMessage(message, context, key, sender.signPublicKey))).toBe('a confidential sentence');
    for (const changed of [{ threadId: 'u' }, { epoch: 2 }, { senderId: 'x' }, { clientMessageId: 'm2' }]) {
      expect(failureOf(() => decryptMessage(message, { ...context, ...changed }, key, sender.signPublicKey))).toBe(
        CryptoFailure.BAD_SIGNATURE,
      );
    }
  });

  it('should reject tampering and a co-reader forging the sender', () => {
    const message = encryptMessage(text, context, key, sender.signSecretKey);
    const tampered = { ...message, ciphertext: message.ciphertext.slice() };
    tampered.ciphertext[0] = (tampered.ciphertext[0] ?? 0) ^ 1;
    expect(failureOf(() => decryptMessage(tampered, context, key, sender.signPublicKey))).toBe(CryptoFailure.BAD_SIGNATURE);
    // The colleague holds the epoch key too, but signs with their own identity key.
    const forged = encryptMessage(text, context, key, colleague.signSecretKey);
    expect(failureOf(() => decryptMessage(forged, context, key, sender.signPublicKey))).toBe(CryptoFailure.BAD_SIGNATURE);
    expect(failureOf(() => decryptMessage(message, context, newEpochKey(), sender.signPublicKey))).toBe(
      CryptoFailure.DECRYPTION_FAILED,
    );
  });

  it('should never put the plaintext into the ciphertext', () => {
    const message = encryptMessage(text, context, key, sender.signSecretKey);
    expect(Buffer.from(message.ciphertext).includes(Buffer.from(text))).toBe(false);
  });
});

describe('safety number', () => {
  it('should be the same on both sides and change with either key', () => {
    const a = publicIdentity(generateIdentity());
    const b = publicIdentity(generateIdentity());
    expect(safetyNumber(a, b)).toBe(safetyNumber(b, a));
    expect(safetyNumber(a, b)).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(safetyNumber(a, publicIdentity(generateIdentity()))).not.toBe(safetyNumber(a, b));
  });
});
