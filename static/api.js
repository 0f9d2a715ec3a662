// The JSON API (docs/api.md), with timeouts so bad signal fails fast instead of hanging.

export const API_CACHE = "callboard-api-v1";

/** The network failed or timed out: nothing came back from the server. */
export class Offline extends Error {}

function timeout(ms) {
  return AbortSignal.timeout ? AbortSignal.timeout(ms) : undefined;
}

/**
 * GET JSON. Network first; when the network fails, the last saved answer (the service worker
 * keeps them; before it controls the page, this function keeps them itself).
 * Returns {status, data, cached, savedAt}.
 */
export async function get(path) {
  let res;
  let cached = false;
  try {
    res = await fetch(path, { headers: { Accept: "application/json" }, signal: timeout(8000) });
  } catch {
    res = await fromCache(path);
    if (!res) throw new Offline();
    cached = true;
  }
  cached ||= res.headers.get("X-Callboard-Cache") === "hit";
  if (res.ok && !cached && !navigator.serviceWorker?.controller) keep(path, res.clone());
  return { status: res.status, data: await body(res), cached, savedAt: res.headers.get("Date") };
}

/** POST JSON. Throws Offline when no answer came back. Returns {status, data, retryAfter}. */
export async function post(path, payload, ms = 10000) {
  let res;
  try {
    res = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: payload === undefined ? undefined : JSON.stringify(payload),
      signal: timeout(ms),
    });
  } catch {
    throw new Offline();
  }
  return { status: res.status, data: await body(res), retryAfter: retryAfter(res) };
}

/** Seconds the server asked us to wait (429, 503), or null. */
function retryAfter(res) {
  const seconds = parseInt(res.headers.get("Retry-After") || "", 10);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/** POST a multipart form (file upload). */
export async function upload(path, form) {
  let res;
  try {
    res = await fetch(path, { method: "POST", body: form, signal: timeout(120000) });
  } catch {
    throw new Offline();
  }
  return { status: res.status, data: await body(res) };
}

export async function del(path) {
  try {
    const res = await fetch(path, { method: "DELETE", signal: timeout(8000) });
    return { status: res.status, data: await body(res) };
  } catch {
    throw new Offline();
  }
}

async function body(res) {
  if (res.status === 204) return null;
  try {
    return await res.json();
  } catch {
    return null;
  }
}

async function fromCache(path) {
  if (!("caches" in self)) return null;
  const cache = await caches.open(API_CACHE);
  return (await cache.match(path)) || null;
}

async function keep(path, res) {
  try {
    if ("caches" in self) await (await caches.open(API_CACHE)).put(path, res);
  } catch {
    // Storage full or unavailable: the app still works online.
  }
}

/** Forget saved answers (a new person on this phone must never see the last one's data). */
export async function forgetSaved() {
  if ("caches" in self) await caches.delete(API_CACHE);
}

/** The sentence from an error body, or a fallback. */
export function message(data, fallback) {
  return (data && data.message) || fallback;
}
