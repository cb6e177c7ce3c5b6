/**
 * The wire protocol's version. A client sends it with every request (`x-codeface-sync-protocol`
 * header or the WebSocket connection params); the server refuses versions it does not speak.
 * Raise it on any change to a schema in this folder that an older peer could not read.
 */
export const SYNC_PROTOCOL_VERSION = 3;

/** The header and connection-param name that carries {@link SYNC_PROTOCOL_VERSION}. */
export const SYNC_PROTOCOL_HEADER = 'x-codeface-sync-protocol';
