/**
 * WebSocket close code of a connection whose token was refused or revoked (after an
 * `AUTH_REQUIRED` error frame). Clients must not reconnect with that token. Kept free of
 * TypeBox so the SDK can import it without bundling the schemas.
 */
export const WS_CLOSE_AUTH = 4401;

/**
 * The client did not read what the server sent it (its send buffer stayed above the bound, or
 * reached the hard cap): `WS_SLOW_CONSUMER`. Reconnect and catch up with `sync`.
 */
export const WS_CLOSE_SLOW_CONSUMER = 4408;

/**
 * Too many: frames after a `WS_RATE_LIMITED` warning, or connections of one user
 * (`WS_TOO_MANY_CONNECTIONS`). Reconnect only after a pause.
 */
export const WS_CLOSE_LIMITED = 4429;
