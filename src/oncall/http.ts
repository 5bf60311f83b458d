import { OnCallProviderError } from './provider';

export interface ProviderRequest {
  /** "PagerDuty": how messages name the provider. */
  provider: string;
  /** The setting that holds the credential, named when the provider rejects it. */
  credential: string;
  url: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  /** The message when the provider answers 404: which annotation names something that does not exist. */
  notFound: string;
}

/**
 * GETs a provider's JSON and turns every way that can fail into an OnCallProviderError whose
 * message says what happened and what to do.
 */
export async function getProviderJson(request: ProviderRequest): Promise<unknown> {
  const { provider } = request;
  let response: Response;
  try {
    response = await fetch(request.url, { headers: { Accept: 'application/json', ...request.headers }, signal: request.signal });
  } catch (error) {
    if (request.signal.aborted) throw new OnCallProviderError('timeout', `${provider} did not answer in time`, { cause: error });
    throw new OnCallProviderError('unavailable', `Could not reach ${provider} at ${new URL(request.url).origin} (${(error as Error).message})`, { cause: error });
  }
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel();
    throw new OnCallProviderError('unauthorized', `${provider} rejected ${request.credential} (${response.status}): check the key, and that it may read schedules`);
  }
  if (response.status === 404) {
    await response.body?.cancel();
    throw new OnCallProviderError('not_found', request.notFound);
  }
  if (response.status === 429) {
    await response.body?.cancel();
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new OnCallProviderError('rate_limited', `${provider} is rate-limiting Backline (429)${Number.isFinite(retryAfter) && retryAfter > 0 ? `; it asks to wait ${retryAfter} s` : ''}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new OnCallProviderError('unavailable', `${provider} answered ${response.status} ${response.statusText}`.trimEnd());
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (request.signal.aborted) throw new OnCallProviderError('timeout', `${provider} did not answer in time`, { cause: error });
    throw new OnCallProviderError('unavailable', `${provider}'s answer was cut off (${(error as Error).message})`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OnCallProviderError('invalid_response', `${provider} answered with something that is not JSON`, { cause: error });
  }
}

/** Reads a provider answer defensively: anything not shaped as expected becomes invalid_response. */
export function expectShape<T>(provider: string, value: unknown, check: (value: unknown) => value is T, what: string): T {
  if (check(value)) return value;
  throw new OnCallProviderError('invalid_response', `${provider} answered without ${what}`);
}

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
export const stringOr = (value: unknown, fallback: string | null = null): string | null => (typeof value === 'string' && value !== '' ? value : fallback);
