import { Type } from '@sinclair/typebox';
import type { App } from '../common/route-types.ts';
import { Errors } from '../errors.ts';
import { notReadyReason, type Readiness } from './readiness.ts';

const CheckState = Type.Union([Type.Literal('ok'), Type.Literal('down'), Type.Literal('off')]);
const Checks = Type.Object({ database: CheckState, redis: CheckState, eventLoop: CheckState, video: CheckState });
// Operator routes, like /metrics: documented in the README, not in the client API's OpenAPI.
const hide = true;

/**
 * `/livez` (the process answers: restart it only when this fails) and `/readyz` (send it
 * traffic). Probes come every few seconds, so they log only warnings.
 */
export function probeRoutes(readiness: Readiness) {
  return async (app: App): Promise<void> => {
    app.get('/livez', {
      logLevel: 'warn',
      schema: { hide, response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
      handler: async () => ({ status: 'ok' as const }),
    });

    app.get('/readyz', {
      logLevel: 'warn',
      schema: {
        hide,
        response: { 200: Type.Object({ status: Type.Literal('ok'), checks: Checks }), 503: Type.Ref('ErrorBody') },
      },
      handler: async () => {
        const { ready, checks } = await readiness.check();
        if (!ready) throw Errors.NOT_READY(notReadyReason(readiness.draining, checks));
        return { status: 'ok' as const, checks };
      },
    });
  };
}
