import { Type } from '@sinclair/typebox';
import { Text, Timestamp } from './common.ts';

export const AbsenceBody = Type.Object({
  message: Text({ minLength: 1, maxLength: 1000 }),
  until: Type.Optional(Timestamp),
});

export const AbsenceView = Type.Object({
  message: Type.String(),
  until: Type.Union([Timestamp, Type.Null()]),
});

/** `GET /v1/me/absence`: the notice, or null when none is in force. */
export const AbsenceOrNone = Type.Union([AbsenceView, Type.Null()]);
