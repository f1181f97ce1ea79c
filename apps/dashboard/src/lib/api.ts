/**
 * The one way the dashboard talks to the server: the public REST API, with the
 * session cookie (sent by the browser) and the CSRF token for changes.
 * Errors come back as RFC 9457 problem+json; they become an ApiError whose
 * `fields` maps each named field (`pricing.bidMicros`) to its message.
 */

export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Field path without the `body.` / `query.` prefix → message. */
  readonly fields: Record<string, string>;
  constructor(status: number, code: string, message: string, errors: FieldError[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = {};
    for (const error of errors) {
      const key = error.path.replace(/^(body|query|params|querystring)\.?/, '') || '_';
      this.fields[key] ??= error.message;
    }
  }
}

let csrfToken: string | null = null;
let onUnauthorized: () => void = () => undefined;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called on any 401 from an authenticated call: the app asks the user to sign in again. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

const SAFE = new Set(['GET', 'HEAD']);

function headersFor(method: string, json: boolean): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (json) headers['content-type'] = 'application/json';
  if (!SAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  return headers;
}

/** Turns a non-2xx response body into an ApiError (problem+json, or whatever came back). */
export function problemFrom(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as { code?: string; detail?: string; title?: string; errors?: FieldError[] };
    return new ApiError(status, body.code ?? `HTTP_${status}`, body.detail ?? body.title ?? `HTTP ${status}`, body.errors ?? []);
  } catch {
    return new ApiError(status, `HTTP_${status}`, text.slice(0, 200) || `The server answered ${status}`);
  }
}

export interface RequestOptions {
  /** Query parameters; arrays repeat the key, undefined and '' are left out. */
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  body?: unknown;
  /** Do not treat a 401 as a lost session (the sign-in call itself). */
  anonymous?: boolean;
}

export function withQuery(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const isForm = typeof FormData !== 'undefined' && options.body instanceof FormData;
  const json = options.body !== undefined && !isForm;
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      credentials: 'same-origin',
      headers: headersFor(method, json),
      body: json ? JSON.stringify(options.body) : (options.body as BodyInit | undefined),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached. Check that it is running, then try again.');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (!response.ok) {
    const error = problemFrom(response.status, text);
    if (response.status === 401 && !options.anonymous) onUnauthorized();
    throw error;
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: RequestOptions['query']) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  del: <T = void>(path: string) => request<T>('DELETE', path),
};

/**
 * A multipart upload with progress (fetch has no upload progress): XMLHttpRequest,
 * the same CSRF header and the same error mapping.
 */
export function upload<T>(path: string, form: FormData | Blob, onProgress: (fraction: number) => void, contentType?: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    if (contentType) xhr.setRequestHeader('content-type', contentType);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'The upload failed: the server cannot be reached.'));
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve((xhr.responseText ? JSON.parse(xhr.responseText) : undefined) as T);
        return;
      }
      if (xhr.status === 401) onUnauthorized();
      reject(problemFrom(xhr.status, xhr.responseText));
    };
    xhr.send(form);
  });
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
