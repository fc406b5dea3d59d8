/**
 * The wire contract of the counselling server: TypeBox schemas of every REST body, query,
 * parameter set and response, and of the WebSocket frames. The server validates with these
 * values; the SDK derives its types from them (`api-types.ts`). One definition per shape.
 */
export * from './common.ts';
export * from './accounts.ts';
export * from './agencies.ts';
export * from './threads.ts';
export * from './messages.ts';
export * from './absences.ts';
export * from './notifications.ts';
export * from './realtime.ts';
export * from './video.ts';
