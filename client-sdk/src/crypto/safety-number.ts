import { frame } from './encoding.ts';
import type { PublicIdentity } from './identity.ts';
import { sodium } from './sodium.ts';

/** BLAKE2b fingerprint of one identity (both public keys). */
export function identityFingerprint(identity: PublicIdentity): Uint8Array {
  return sodium.crypto_generichash(32, frame('identity-v1', identity.signPublicKey, identity.boxPublicKey), null);
}

function digits(fingerprint: Uint8Array): string {
  // 30 digits per side: six 5-digit groups, each from 5 bytes mod 100000.
  let out = '';
  for (let i = 0; i < 6; i++) {
    let value = 0;
    for (let j = 0; j < 5; j++) value = (value * 256 + (fingerprint[i * 5 + j] ?? 0)) % 100000;
    out += value.toString().padStart(5, '0');
  }
  return out;
}

/**
 * A 60-digit number two people compare out of band. Both sides compute the same value
 * because the two halves are ordered, not "mine first".
 */
export function safetyNumber(a: PublicIdentity, b: PublicIdentity): string {
  const halves = [digits(identityFingerprint(a)), digits(identityFingerprint(b))].sort();
  return (halves.join('').match(/.{5}/g) ?? []).join(' ');
}
