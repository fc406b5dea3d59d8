import type {
  AbsenceView,
  AccessLog,
  AdminAgency,
  AgencyCounsellorKeys,
  AgencyDetail,
  CreateAgencyInput,
  CreateStaffInput,
  CreateTopicInput,
  NotificationView,
  PostcodeRange,
  SessionInfo,
  StaffCreated,
  StaffMember,
  Topic,
} from './api-types.ts';
import type { HttpTransport } from './transport/http.ts';

/**
 * The signed-in calls that carry no encrypted content (keys directory, access logs, absence,
 * notifications, administration): thin typed wrappers over the transport. {@link CounselClient}
 * extends this class, so they are called on the client like every other method.
 */
export class PlainCalls {
  readonly #http: HttpTransport;

  protected constructor(http: HttpTransport) {
    this.#http = http;
  }

  /** The activated counsellors of an agency with their public keys. */
  async agencyCounsellorKeys(agencyId: string): Promise<AgencyCounsellorKeys['counsellors']> {
    return (await this.#http.request<AgencyCounsellorKeys>('GET', `/v1/agencies/${agencyId}/counsellor-keys`)).counsellors;
  }

  async threadAccessLog(threadId: string): Promise<AccessLog['entries']> {
    return (await this.#http.request<AccessLog>('GET', `/v1/threads/${threadId}/access-log`)).entries;
  }

  async agencyAccessLog(agencyId: string): Promise<AccessLog['entries']> {
    return (await this.#http.request<AccessLog>('GET', `/v1/agencies/${agencyId}/access-log`)).entries;
  }

  // -- sessions (signed-in devices) --

  /** The account's live sessions, oldest first; `current` is this client's. */
  async listSessions(): Promise<SessionInfo[]> {
    return (await this.#http.request<{ sessions: SessionInfo[] }>('GET', '/v1/me/sessions')).sessions;
  }

  /** Signs one session out everywhere at once (its WebSockets close); this client's own id is a logout. */
  async revokeSession(id: string): Promise<void> {
    await this.#http.request('DELETE', `/v1/me/sessions/${id}`);
  }

  /** Signs out every other session of the account; returns how many ended. */
  async revokeOtherSessions(): Promise<number> {
    return (await this.#http.request<{ revoked: number }>('POST', '/v1/me/sessions/revoke-others')).revoked;
  }

  // -- absence (counsellors) --

  /** The counsellor's own notice in force, or null. */
  async getAbsence(): Promise<AbsenceView | null> {
    return this.#http.request<AbsenceView | null>('GET', '/v1/me/absence');
  }

  async setAbsence(message: string, until?: Date): Promise<AbsenceView> {
    return this.#http.request<AbsenceView>('PUT', '/v1/me/absence', {
      body: { message, ...(until ? { until: until.toISOString() } : {}) },
    });
  }

  async clearAbsence(): Promise<void> {
    await this.#http.request('DELETE', '/v1/me/absence');
  }

  // -- administration (admin role) --

  /** A topic with its virtual ("white spot") agency. */
  async adminCreateTopic(name: string, options: Omit<CreateTopicInput, 'name'> = {}): Promise<Topic> {
    return this.#http.request<Topic>('POST', '/v1/admin/topics', { body: { name, ...options } });
  }

  async adminCreateAgency(input: CreateAgencyInput): Promise<AgencyDetail> {
    return this.#http.request<AgencyDetail>('POST', '/v1/admin/agencies', { body: input });
  }

  /** Every agency with its topics, postcode ranges and members. */
  async adminListAgencies(): Promise<AdminAgency[]> {
    return (await this.#http.request<{ agencies: AdminAgency[] }>('GET', '/v1/admin/agencies')).agencies;
  }

  async adminAddPostcodes(agencyId: string, ranges: PostcodeRange[]): Promise<void> {
    await this.#http.request('POST', `/v1/admin/agencies/${agencyId}/postcode-ranges`, { body: { ranges } });
  }

  async adminAddTopics(agencyId: string, topicIds: string[]): Promise<void> {
    await this.#http.request('POST', `/v1/admin/agencies/${agencyId}/topics`, { body: { topicIds } });
  }

  /** Creates a counsellor or admin; hand the one-time activation code to the person. */
  async adminCreateStaff(input: CreateStaffInput): Promise<StaffCreated> {
    return this.#http.request<StaffCreated>('POST', '/v1/admin/staff', { body: input });
  }

  /** Counsellors and admins with their memberships; `username` is null until activation. */
  async adminListStaff(): Promise<StaffMember[]> {
    return (await this.#http.request<{ staff: StaffMember[] }>('GET', '/v1/admin/staff')).staff;
  }

  async adminAddMember(agencyId: string, userId: string, isAgencyAdmin = false): Promise<void> {
    await this.#http.request('POST', `/v1/admin/agencies/${agencyId}/members`, { body: { userId, isAgencyAdmin } });
  }

  async adminRemoveMember(agencyId: string, userId: string): Promise<void> {
    await this.#http.request('DELETE', `/v1/admin/agencies/${agencyId}/members/${userId}`);
  }

  // -- notifications --

  async listNotifications(unreadOnly = false): Promise<NotificationView[]> {
    const result = await this.#http.request<{ notifications: NotificationView[] }>('GET', '/v1/notifications', {
      query: { unreadOnly: unreadOnly ? 'true' : undefined },
    });
    return result.notifications;
  }

  async markNotificationRead(id: string): Promise<void> {
    await this.#http.request('POST', `/v1/notifications/${id}/read`);
  }

  /** Marks every notification read; returns how many were unread. */
  async markAllNotificationsRead(): Promise<number> {
    return (await this.#http.request<{ updated: number }>('POST', '/v1/notifications/read-all')).updated;
  }

  /** Raw transport, for callers that need a route the SDK does not wrap yet. */
  get http(): HttpTransport {
    return this.#http;
  }
}
