/** An error answer of the server: HTTP status plus the stable error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | undefined>;

/** JSON over fetch with a bearer token; carries bytes the crypto layer produced, nothing else. */
export class HttpTransport {
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;
  token: string | null = null;

  constructor(baseUrl: string, fetchImpl: typeof fetch = fetch) {
    this.#baseUrl = baseUrl.replace(/\/$/, '');
    // Browsers throw "Illegal invocation" when fetch is called detached from its global.
    this.#fetch = fetchImpl === fetch ? fetch.bind(globalThis) : fetchImpl;
  }

  get baseUrl(): string {
    return this.#baseUrl;
  }

  async request<T>(method: string, path: string, options: { body?: unknown; query?: Query } = {}): Promise<T> {
    const url = new URL(this.#baseUrl + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const response = await this.#fetch(url, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    if (response.status === 204) return undefined as T;
    const payload = (await response.json().catch(() => null)) as { code?: string; message?: string } | null;
    if (!response.ok) {
      throw new ApiError(response.status, payload?.code ?? 'UNKNOWN', payload?.message ?? response.statusText);
    }
    return payload as T;
  }
}
