import { Type, type TSchema } from '@sinclair/typebox';

/** The shared field schemas live in the SDK's wire contract; the server adds only Fastify glue. */
export * from '../../../client-sdk/src/contract/common.ts';

/** Error responses every route may give, declared once per route. */
export function withErrors<T extends Record<number, TSchema>>(responses: T) {
  const ref = Type.Ref('ErrorBody');
  return { ...responses, 400: ref, 401: ref, 403: ref, 404: ref, 409: ref, 429: ref, 503: ref };
}
