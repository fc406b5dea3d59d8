import { IdParams, withErrors } from '../common/schemas.ts';
import type { App } from '../common/route-types.ts';
import { actorOf } from '../plugins/auth.ts';
import * as schemas from './schemas.ts';
import * as service from './service.ts';

const tags = ['notifications'];

export default async function notificationsRoutes(app: App): Promise<void> {
  const anyone = app.authenticate();

  app.get('/v1/notifications', {
    schema: { tags, querystring: schemas.NotificationQuery, response: withErrors({ 200: schemas.NotificationList }) },
    preHandler: anyone,
    handler: (request) =>
      service.listNotifications(app.ctx, actorOf(request), request.query.unreadOnly ?? false, request.query.limit ?? 50),
  });

  app.post('/v1/notifications/:id/read', {
    schema: { tags, params: IdParams, response: withErrors({ 200: schemas.MarkedRead }) },
    preHandler: anyone,
    handler: (request) => service.markRead(app.ctx, actorOf(request), request.params.id),
  });

  app.post('/v1/notifications/read-all', {
    schema: { tags, response: withErrors({ 200: schemas.MarkedRead }) },
    preHandler: anyone,
    handler: (request) => service.markRead(app.ctx, actorOf(request), null),
  });
}
