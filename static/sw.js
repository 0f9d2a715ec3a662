// Callboard service worker: the app shell offline, saved answers for bad signal, the outbox.
//
// After the pattern of MDN's cycletracker: one versioned cache holds the shell, precached on
// install (awaited); activate deletes older caches; navigations to app pages get the cached
// shell. API reads go network first (with a short timeout) and fall back to the last saved
// answer. Writes are never touched here: the page queues them in the outbox when they fail.
//
// VERSION must change whenever a file in SHELL changes (tests/browser/test_static.py checks it;
// `uv run python -m tests.browser.stamp` rewrites it).
importScripts("/static/outbox.js");

const VERSION = "ba98fa1468";
const SHELL_CACHE = `callboard-shell-${VERSION}`;
const API_CACHE = "callboard-api-v1";
const SHELL = [
  "/",
  "/static/app.css",
  "/static/app.js",
  "/static/api.js",
  "/static/ui.js",
  "/static/session.js",
  "/static/outbox.js",
  "/static/home.js",
  "/static/checkin.js",
  "/static/checkout.js",
  "/static/onboard.js",
  "/static/contracts.js",
  "/static/bookings.js",
  "/static/push.js",
  "/static/paperwork.js",
  "/static/sheet.js",
  "/static/equipment.js",
  "/static/icons/icon-192.png",
  "/manifest.webmanifest",
];
// Pages of the app (everything else, e.g. /ics/ feeds or documents, goes to the network).
const APP_PAGE = /^\/(?:$|index\.html$|p\/|l\/|e\/|s\/|contracts(?:\/|$)|sheet\/)/;
// API reads worth keeping for offline use (never documents, never anything with a token).
const SAVED_API =
  /^\/api\/(?:me|home|contracts(?:\/\d+)?|locations\/[^/]+|paperwork|bookings|callsheets\/[^/]+\/[^/]+|units\/[A-Za-z0-9]+|stages\/[A-Za-z0-9]+)$/;
const NETWORK_WAIT_MS = 6000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      await cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("callboard-") && name !== SHELL_CACHE && name !== API_CACHE) {
          await caches.delete(name);
        }
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (APP_PAGE.test(url.pathname)) event.respondWith(shell(request));
    return;
  }
  if (SAVED_API.test(url.pathname) && !url.search) {
    event.respondWith(networkFirst(request));
    return;
  }
  if (SHELL.includes(url.pathname)) event.respondWith(cacheFirst(request));
});

async function shell(request) {
  const cached = await caches.match("/", { cacheName: SHELL_CACHE });
  return cached || fetch(request);
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { cacheName: SHELL_CACHE, ignoreSearch: true });
  return cached || fetch(request);
}

async function networkFirst(request) {
  const cache = await caches.open(API_CACHE);
  try {
    const response = await fetch(request, { signal: AbortSignal.timeout(NETWORK_WAIT_MS) });
    if (response.ok) await cache.put(request, response.clone());
    else if (response.status === 401 || response.status === 404) await cache.delete(request);
    return response;
  } catch (err) {
    const saved = await cache.match(request);
    if (!saved) return Response.error();
    const headers = new Headers(saved.headers);
    headers.set("X-Callboard-Cache", "hit");
    return new Response(saved.body, { status: saved.status, headers });
  }
}

// Background Sync is an extra (Chromium only): the page also flushes on load, on `online`,
// on visibilitychange and by timer.
self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(self.CallboardOutbox.flush());
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "flush") event.waitUntil(self.CallboardOutbox.flush());
});

// Web push (static/push.js subscribes): show what the server sent; a tap opens the app there.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data ? event.data.text() : "" };
  }
  const title = String(data.title || "Callboard");
  event.waitUntil(
    self.registration.showNotification(title, {
      body: String(data.body || "Something changed: open Callboard to see it."),
      tag: String(data.tag || "callboard"),
      icon: "/static/icons/icon-192.png",
      data: { url: pushTarget(data.url) },
    }),
  );
});

// Only a page of this app: a push never opens somewhere else.
function pushTarget(url) {
  try {
    const target = new URL(String(url || "/"), self.location.origin);
    return target.origin === self.location.origin ? target.pathname + target.search : "/";
  } catch {
    return "/";
  }
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(
    (async () => {
      for (const client of await self.clients.matchAll({ type: "window" })) {
        if (new URL(client.url).origin === self.location.origin && "focus" in client) {
          await client.navigate(url).catch(() => null);
          return client.focus();
        }
      }
      return self.clients.openWindow(url);
    })(),
  );
});
