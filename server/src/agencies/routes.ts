import { Type } from '@sinclair/typebox';
import { IdParams, withErrors } from '../common/schemas.ts';
import type { App } from '../common/route-types.ts';
import { actorOf } from '../plugins/auth.ts';
import * as schemas from './schemas.ts';
import * as service from './service.ts';

const tags = ['agencies'];
const adminTags = ['admin'];

export default async function agenciesRoutes(app: App): Promise<void> {
  // -- public: what a seeker needs before having an account --
  app.get('/v1/topics', {
    schema: { tags, response: withErrors({ 200: schemas.TopicList }) },
    handler: () => service.listTopics(app.ctx),
  });

  app.get('/v1/agencies', {
    schema: { tags, querystring: schemas.FindAgenciesQuery, response: withErrors({ 200: schemas.AgencyList }) },
    handler: (request) => service.findAgencies(app.ctx, request.query.topicId, request.query.postcode),
  });

  app.get('/v1/links/:code', {
    schema: { tags, params: schemas.LinkParams, response: withErrors({ 200: schemas.LinkView }) },
    handler: async (request) => {
      const link = await service.resolveLink(app.ctx, request.params.code);
      return link.kind === 'counsellor'
        ? link
        : { ...link, counsellorId: null, counsellorName: null };
    },
  });

  app.get('/v1/agencies/:id/counsellor-keys', {
    schema: { tags, params: IdParams, response: withErrors({ 200: schemas.AgencyCounsellorKeys }) },
    preHandler: app.authenticate(),
    handler: (request) => service.agencyCounsellorKeys(app.ctx, request.params.id),
  });

  app.get('/v1/agencies/:id/access-log', {
    schema: {
      tags,
      params: IdParams,
      querystring: schemas.AccessLogQuery,
      response: withErrors({ 200: schemas.AccessLog }),
    },
    preHandler: app.authenticate(['admin', 'counsellor']),
    handler: (request) =>
      service.agencyAccessLog(app.ctx, actorOf(request), request.params.id, request.query.limit ?? 100),
  });

  // -- administration --
  const admin = app.authenticate(['admin']);

  app.post('/v1/admin/topics', {
    schema: { tags: adminTags, body: schemas.CreateTopicBody, response: withErrors({ 201: schemas.Topic }) },
    preHandler: admin,
    handler: async (request, reply) => reply.status(201).send(await service.createTopic(app.ctx, request.body)),
  });

  app.get('/v1/admin/agencies', {
    schema: { tags: adminTags, response: withErrors({ 200: schemas.AdminAgencyList }) },
    preHandler: admin,
    handler: () => service.listAgencies(app.ctx),
  });

  app.get('/v1/admin/staff', {
    schema: { tags: adminTags, response: withErrors({ 200: schemas.StaffList }) },
    preHandler: admin,
    handler: () => service.listStaff(app.ctx),
  });

  app.post('/v1/admin/agencies', {
    schema: { tags: adminTags, body: schemas.CreateAgencyBody, response: withErrors({ 201: schemas.AgencyDetail }) },
    preHandler: admin,
    handler: async (request, reply) => reply.status(201).send(await service.createAgency(app.ctx, request.body)),
  });

  app.post('/v1/admin/agencies/:id/postcode-ranges', {
    schema: { tags: adminTags, params: IdParams, body: schemas.AddPostcodeRangesBody, response: withErrors({ 204: Type.Null() }) },
    preHandler: admin,
    handler: async (request, reply) => {
      await service.addPostcodeRanges(app.ctx, request.params.id, request.body.ranges);
      return reply.status(204).send(null);
    },
  });

  app.post('/v1/admin/agencies/:id/topics', {
    schema: { tags: adminTags, params: IdParams, body: schemas.AddTopicsBody, response: withErrors({ 204: Type.Null() }) },
    preHandler: admin,
    handler: async (request, reply) => {
      await service.addTopics(app.ctx, request.params.id, request.body.topicIds);
      return reply.status(204).send(null);
    },
  });

  app.post('/v1/admin/staff', {
    schema: { tags: adminTags, body: schemas.CreateStaffBody, response: withErrors({ 201: schemas.StaffCreated }) },
    preHandler: admin,
    handler: async (request, reply) => reply.status(201).send(await service.createStaff(app.ctx, request.body)),
  });

  app.post('/v1/admin/agencies/:id/members', {
    schema: { tags: adminTags, params: IdParams, body: schemas.AddMemberBody, response: withErrors({ 204: Type.Null() }) },
    preHandler: admin,
    handler: async (request, reply) => {
      await service.addMember(app.ctx, request.params.id, request.body.userId, request.body.isAgencyAdmin ?? false);
      return reply.status(204).send(null);
    },
  });

  app.delete('/v1/admin/agencies/:id/members/:userId', {
    schema: { tags: adminTags, params: schemas.MemberParams, response: withErrors({ 204: Type.Null() }) },
    preHandler: admin,
    handler: async (request, reply) => {
      await service.removeMember(app.ctx, request.params.id, request.params.userId);
      return reply.status(204).send(null);
    },
  });
}
