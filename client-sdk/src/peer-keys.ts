import { fromB64, toB64 } from './crypto/encoding.ts';
import { CryptoError, CryptoFailure } from './crypto/failures.ts';
import { identityFingerprint } from './crypto/safety-number.ts';
import type { PublicIdentity } from './crypto/identity.ts';
import type { KeyPinStore } from './key-pins.ts';

/** A peer's identity as served by the server, before we decide to trust it. */
export interface PeerKeys {
  userId: string;
  signPublicKey: string;
  boxPublicKey: string;
}

export type IdentityChangeListener = (change: { userId: string; previous: string; current: string }) => void;

/**
 * Trust on first use, then pinned: the first identity seen for a user is remembered; a later,
 * different one is reported and refused until the user accepts it explicitly.
 */
export class PeerKeyBook {
  readonly #pins: KeyPinStore;
  readonly #known = new Map<string, PublicIdentity>();
  readonly #changed = new Map<string, PublicIdentity>();
  readonly #listeners = new Set<IdentityChangeListener>();

  constructor(pins: KeyPinStore) {
    this.#pins = pins;
  }

  onChange(listener: IdentityChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Records what the server says; returns the trusted identity, or throws if it changed. */
  async observe(peer: PeerKeys): Promise<PublicIdentity> {
    const identity = { signPublicKey: fromB64(peer.signPublicKey), boxPublicKey: fromB64(peer.boxPublicKey) };
    const fingerprint = toB64(identityFingerprint(identity));
    const pinned = await this.#pins.get(peer.userId);
    if (pinned === null) {
      await this.#pins.set(peer.userId, fingerprint);
    } else if (pinned !== fingerprint) {
      if (!this.#changed.has(peer.userId)) {
        this.#changed.set(peer.userId, identity);
        for (const listener of this.#listeners) listener({ userId: peer.userId, previous: pinned, current: fingerprint });
      }
      throw new CryptoError(CryptoFailure.IDENTITY_KEY_CHANGED, `The identity key of ${peer.userId} changed`);
    }
    this.#known.set(peer.userId, identity);
    return identity;
  }

  /** The trusted identity of a user seen before, or null. */
  trusted(userId: string): PublicIdentity | null {
    if (this.#changed.has(userId)) return null;
    return this.#known.get(userId) ?? null;
  }

  /** Users whose key changed and has not been accepted yet. */
  changedUsers(): string[] {
    return [...this.#changed.keys()];
  }

  /** The user verified the new key (e.g. by comparing safety numbers): pin it. */
  async accept(userId: string): Promise<void> {
    const identity = this.#changed.get(userId);
    if (!identity) return;
    await this.#pins.set(userId, toB64(identityFingerprint(identity)));
    this.#changed.delete(userId);
    this.#known.set(userId, identity);
  }
}
