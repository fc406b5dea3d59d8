/** Where pinned identity fingerprints live; browsers can back this with IndexedDB. */
export interface KeyPinStore {
  get(userId: string): Promise<string | null>;
  set(userId: string, fingerprint: string): Promise<void>;
}

/** The default, in-memory pin store. */
export class MemoryPinStore implements KeyPinStore {
  readonly #pins = new Map<string, string>();
  async get(userId: string): Promise<string | null> {
    return this.#pins.get(userId) ?? null;
  }
  async set(userId: string, fingerprint: string): Promise<void> {
    this.#pins.set(userId, fingerprint);
  }
}
