import { Type } from '@sinclair/typebox';
import { Timestamp, Uuid } from './common.ts';

export const NotificationView = Type.Object({
  id: Uuid,
  kind: Type.Union([Type.Literal('enquiry.new'), Type.Literal('message.new'), Type.Literal('thread.assigned')]),
  threadId: Type.Union([Uuid, Type.Null()]),
  agencyId: Type.Union([Uuid, Type.Null()]),
  createdAt: Timestamp,
  readAt: Type.Union([Timestamp, Type.Null()]),
});

export const NotificationList = Type.Object({ notifications: Type.Array(NotificationView) });
export const NotificationQuery = Type.Object({
  unreadOnly: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});
export const MarkedRead = Type.Object({ updated: Type.Integer() });
