/**
 * WebSocket close code of a connection whose token was refused or revoked (after an
 * `AUTH_REQUIRED` error frame). Clients must not reconnect with that token. Kept free of
 * TypeBox so the SDK can import it without bundling the schemas.
 */
export const WS_CLOSE_AUTH = 4401;
