import { toB64 } from './crypto/encoding.ts';
import { generateIdentity, wrapIdentity, type Identity } from './crypto/identity.ts';
import { derivePasswordKeys, newKdfParams, type KdfProfile } from './crypto/password.ts';

/**
 * A new account's secrets, made in the client: Argon2id split of the password, a fresh identity,
 * and its backup wrapped by the password half that never leaves. `body` is what the server gets.
 */
export function newAccountSecrets(username: string, password: string, profile: KdfProfile | undefined) {
  const kdf = newKdfParams(profile);
  const { authKey, wrapKey } = derivePasswordKeys(password, kdf);
  const identity: Identity = generateIdentity();
  const backup = wrapIdentity(identity, wrapKey, username);
  return {
    identity,
    body: {
      username,
      authKey: toB64(authKey),
      kdf: { salt: toB64(kdf.salt), opsLimit: kdf.opsLimit, memLimit: kdf.memLimit },
      identity: { signPublicKey: toB64(identity.signPublicKey), boxPublicKey: toB64(identity.boxPublicKey) },
      keyBackup: { nonce: toB64(backup.nonce), ciphertext: toB64(backup.ciphertext) },
    },
  };
}
