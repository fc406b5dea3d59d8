import { FormatRegistry } from '@sinclair/typebox';

/** The frames are part of the SDK's wire contract; the server validates client frames with them. */
export { ClientFrame, PresenceView, ServerFrame, WS_CLOSE_AUTH, WS_CLOSE_LIMITED, WS_CLOSE_SLOW_CONSUMER } from '../../../client-sdk/src/contract/realtime.ts';

// Frames are checked with TypeBox's compiler (not Ajv), which only knows the formats registered here.
if (!FormatRegistry.Has('uuid')) {
  FormatRegistry.Set('uuid', (value) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value));
}
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (value) => !Number.isNaN(Date.parse(value)));
