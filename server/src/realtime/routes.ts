import { IdParams, withErrors } from '../common/schemas.ts';
import type { App } from '../common/route-types.ts';
import { findAgency, listAgencyCounsellorIds } from '../agencies/repository.ts';
import { Errors } from '../errors.ts';
import { PresenceView } from './frames.ts';
import type { RealtimeHub } from './hub.ts';

/** The WebSocket endpoint and the presence count that the anonymous live chat shows. */
export function realtimeRoutes(hub: RealtimeHub) {
  return async function routes(app: App): Promise<void> {
    app.get('/v1/ws', { websocket: true, schema: { hide: true } }, (socket, request) => {
      hub.attach(socket, request.headers.authorization);
    });

    app.get('/v1/agencies/:id/presence', {
      schema: {
        tags: ['realtime'],
        params: IdParams,
        response: withErrors({ 200: PresenceView }),
      },
      handler: async (request) => {
        if (!(await findAgency(app.ctx.db, request.params.id))) throw Errors.AGENCY_NOT_FOUND();
        const counsellors = await listAgencyCounsellorIds(app.ctx.db, request.params.id);
        return { agencyId: request.params.id, online: await hub.presence.countOnline(counsellors) };
      },
    });
  };
}
