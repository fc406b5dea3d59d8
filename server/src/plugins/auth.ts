import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { authenticateToken } from '../accounts/service.ts';
import type { Role } from '../accounts/table.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { Errors } from '../errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller, set by {@link FastifyInstance.authenticate}. */
    actor: Actor | null;
  }
  interface FastifyInstance {
    /** The service context shared by all routes. */
    ctx: ServiceContext;
    /** A preHandler that requires a valid token and, optionally, one of the roles. */
    authenticate(roles?: Role[]): (request: FastifyRequest) => Promise<void>;
  }
}

/** The bearer token of a request, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(header);
  return match?.[1] ?? null;
}

/** The actor of an authenticated request; routes behind `authenticate` always have one. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw Errors.AUTH_REQUIRED();
  return request.actor;
}

async function authPlugin(app: FastifyInstance): Promise<void> {
  app.decorateRequest('actor', null);
  app.decorate('authenticate', (roles?: Role[]) => async (request: FastifyRequest) => {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw Errors.AUTH_REQUIRED();
    const actor = await authenticateToken(app.ctx, token);
    if (!actor) throw Errors.AUTH_REQUIRED();
    if (roles && !roles.includes(actor.role)) throw Errors.FORBIDDEN_ROLE(roles.join(' or '));
    request.actor = actor;
  });
}

export default fp(authPlugin, { name: 'auth', dependencies: ['context'] });
