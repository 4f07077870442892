// web/portal/api.js: the portal's one door to authd's REST API.
//
// Cookie mode only: the access and refresh tokens live in authd's HttpOnly
// cookies, which this script can neither read nor store; a token that
// arrives in a response body is dropped on the floor (never kept in a
// variable that outlives the call, never in localStorage/sessionStorage).
// Same origin, so the browser sends `Origin`, which is what authd's
// cookie-mode CSRF check asks of a POST/PUT/DELETE.

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super((body && body.message) || `request failed (${status})`);
    this.status = status;
    this.code = (body && body.error) || (status === 0 ? "NETWORK" : "UNKNOWN");
    this.fields = (body && body.fields) || {};
    this.retryAfter = retryAfter; // seconds, from Retry-After on a 429
  }
}

// One refresh at a time: parallel calls that all met an expired access
// cookie wait for the same rotation (a second rotation of the same
// refresh token would be a reuse, inside the grace window or not).
let refreshing = null;

// Rotates the refresh cookie into fresh cookies; true when the session is
// still alive.  The body's tokens are ignored: the cookies are the state.
export function refreshSession() {
  if (!refreshing) {
    refreshing = fetch("/auth/refresh", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ setCookie: true }),
    })
      .then((r) => r.ok)
      .catch(() => false)
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

const EXPIRED = new Set(["TOKEN_EXPIRED", "INVALID_TOKEN"]);

// Calls `method path` with a JSON body (or none) and resolves to the parsed
// JSON answer (null for 204).  Rejects with an ApiError.  An authenticated
// call refused because the access cookie expired is retried once after a
// silent refresh.
export async function api(method, path, body, { authenticated = false } = {}) {
  const send = () => {
    const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init);
  };
  let response;
  try {
    response = await send();
    if (authenticated && response.status === 401) {
      const code = await errorCode(response.clone());
      if (EXPIRED.has(code) && (await refreshSession())) response = await send();
    }
  } catch (e) {
    throw new ApiError(0, { message: "The server could not be reached. Check your connection and try again." });
  }
  if (response.status === 204) return null;
  let parsed = null;
  try {
    parsed = await response.json();
  } catch (e) {
    parsed = null;
  }
  if (!response.ok) {
    const retry = Number.parseInt(response.headers.get("Retry-After") || "", 10);
    throw new ApiError(response.status, parsed, Number.isFinite(retry) ? retry : undefined);
  }
  return parsed;
}

async function errorCode(response) {
  try {
    return (await response.json()).error;
  } catch (e) {
    return undefined;
  }
}
