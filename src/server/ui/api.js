// The API client: JSON GETs, errors as ApiError with a Japanese message
// (errors.js), one in-flight request per channel.

import { BAD_RESPONSE, NETWORK_ERROR, errorMessage } from './errors.js';

export class ApiError extends Error {
  constructor(message, code, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export const isAbort = (e) => e && e.name === 'AbortError';

/** GET `path?params` as JSON; throws ApiError (or the AbortError). */
export async function api(path, params, signal) {
  const qs = params ? params.toString() : '';
  const url = qs ? `${path}?${qs}` : path;
  let res;
  try {
    res = await fetch(url, { signal, headers: { Accept: 'application/json' } });
  } catch (e) {
    if (isAbort(e)) throw e;
    throw new ApiError(NETWORK_ERROR);
  }
  let body = null;
  try {
    body = await res.json();
  } catch (e) {
    if (isAbort(e)) throw e;
  }
  if (!res.ok) {
    const err = (body && body.error) || {};
    throw new ApiError(errorMessage(err, res.status), err.code, res.status);
  }
  if (body === null || typeof body !== 'object') throw new ApiError(BAD_RESPONSE);
  return body;
}

/** One in-flight request per "channel"; a new call aborts the previous one. */
export function requester() {
  let ctrl = null;
  return {
    async run(path, params) {
      if (ctrl) ctrl.abort();
      const mine = new AbortController();
      ctrl = mine;
      try {
        return await api(path, params, mine.signal);
      } finally {
        if (ctrl === mine) ctrl = null;
      }
    },
    abort() {
      if (ctrl) ctrl.abort();
      ctrl = null;
    },
  };
}
