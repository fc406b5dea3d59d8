import sodiumModule from 'libsodium-wrappers-sumo';

// The sumo build is required: the standard build lacks crypto_pwhash (Argon2id).
await sodiumModule.ready;

/** The initialised libsodium instance; every primitive in the SDK comes from here. */
export const sodium = sodiumModule;
