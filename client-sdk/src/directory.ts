import type { AgencySummary, LinkView, PresenceView, Topic } from './api-types.ts';
import { HttpTransport } from './transport/http.ts';

/**
 * What anyone may look up without an account: topics, the agencies serving a postcode (with
 * their counsellors' absence notices), what a link stands for, and how many counsellors of an
 * agency are online. No token is ever sent.
 */
export class PublicDirectory {
  readonly #http: HttpTransport;

  constructor(baseUrl: string, fetchImpl?: typeof fetch) {
    this.#http = new HttpTransport(baseUrl, fetchImpl);
  }

  async listTopics(): Promise<Topic[]> {
    return (await this.#http.request<{ topics: Topic[] }>('GET', '/v1/topics')).topics;
  }

  /** Local agencies for the postcode; with none, the topic's virtual ("white spot") agency. */
  async findAgencies(topicId: string, postcode: string): Promise<AgencySummary[]> {
    const result = await this.#http.request<{ agencies: AgencySummary[] }>('GET', '/v1/agencies', {
      query: { topicId, postcode },
    });
    return result.agencies;
  }

  /** A counsellor's personal link or an agency link (`/l/<code>`). */
  async resolveLink(code: string): Promise<LinkView> {
    return this.#http.request<LinkView>('GET', `/v1/links/${encodeURIComponent(code)}`);
  }

  /** The number of the agency's counsellors connected right now. */
  async presence(agencyId: string): Promise<number> {
    return (await this.#http.request<PresenceView>('GET', `/v1/agencies/${encodeURIComponent(agencyId)}/presence`)).online;
  }
}

/** The web app's address of a personal or agency link: `<origin>/l/<code>`. */
export function linkUrl(origin: string, code: string): string {
  return `${origin.replace(/\/+$/, '')}/l/${encodeURIComponent(code)}`;
}
