// Small DOM and formatting helpers. Text always goes in as text nodes, never parsed as markup.

/** Build an element: h("p", {class: "x", onclick: fn}, "text", child). */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "value" || key === "checked") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Replace the page's content and move focus to it for screen readers. */
export function show(...nodes) {
  const main = document.getElementById("main");
  main.replaceChildren(...nodes.flat(Infinity).filter((n) => n != null && n !== false));
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

/** Only http(s) links from data: a javascript: URL must never reach an href. */
export function safeUrl(url) {
  try {
    const parsed = new URL(url, location.origin);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** A full-width message page: icon-less, one heading, a few sentences, optional actions. */
export function notice(tone, title, lines, ...actions) {
  actions = actions.filter(Boolean);
  return h(
    "section",
    { class: `panel ${tone}`, role: tone === "bad" ? "alert" : "status" },
    h("h1", null, title),
    (lines || []).filter(Boolean).map((line) => h("p", null, line)),
    actions.length ? h("div", { class: "actions" }, actions) : null,
  );
}

export function button(label, onclick, cls = "btn") {
  return h("button", { type: "button", class: cls, onclick }, label);
}

export function link(label, href, cls = "btn secondary") {
  return h("a", { href, class: cls }, label);
}

/** A client nonce: 32 URL-safe characters. */
export function nonce() {
  if (crypto.randomUUID) return crypto.randomUUID().replaceAll("-", "");
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
}

// --- time -----------------------------------------------------------------------------------

let zone = "UTC";
export function setZone(tz) {
  if (tz) zone = tz;
}

const clock = (tz) =>
  new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", timeZone: tz });
const day = (tz) =>
  new Intl.DateTimeFormat(undefined, {
    weekday: "short",
    day: "numeric",
    month: "short",
    timeZone: tz,
  });

/** A production wall-clock time "2026-12-01T07:00:00" as a Date whose UTC fields hold it. */
function wall(text) {
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d))?/.exec(text || "");
  return m ? new Date(Date.UTC(+m[1], m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0))) : null;
}

/** "07:00" from a wall-clock time. */
export function wallTime(text) {
  const d = wall(text);
  return d ? clock("UTC").format(d) : "";
}

/** "Today", "Tomorrow" or "Tue 1 Dec" from a wall-clock date or time. */
export function wallDay(text) {
  const d = wall(text);
  if (!d) return "";
  const iso = d.toISOString().slice(0, 10);
  const today = todayIso();
  if (iso === today) return "Today";
  const next = new Date(Date.parse(`${today}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);
  if (iso === next) return "Tomorrow";
  return day("UTC").format(d);
}

/** Today's date in the production's time zone, "2026-12-01". */
export function todayIso() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date());
}

/** "07:12" in the production's time zone from a UTC moment. */
export function momentTime(iso) {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(+d) ? clock(zone).format(d) : "";
}

/** "Tue 1 Dec, 07:12" from a UTC moment. */
export function momentDayTime(iso) {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(+d) ? `${day(zone).format(d)}, ${clock(zone).format(d)}` : "";
}

export function bytes(size) {
  if (size == null) return "";
  if (size < 1024) return `${size} bytes`;
  if (size < 1024 * 1024) return `${Math.round(size / 1024)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

// --- navigation -----------------------------------------------------------------------------

/** Go to an in-app path without reloading (the router in app.js listens to popstate). */
export function go(path, replace = false) {
  history[replace ? "replaceState" : "pushState"](null, "", path);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

let sentHandler = null;
let unheard = [];
/** The current screen's reaction to queued items the server has now answered. A screen still
 *  loading (the router cleared the old handler, the new one awaits its data) hears what was
 *  answered meanwhile as soon as it registers, so its first draw is never left stale. */
export function whenSent(handler) {
  sentHandler = handler;
  const missed = unheard;
  unheard = [];
  if (handler && missed.length) handler(missed);
}
export function sentTo(sent) {
  for (const s of sent) {
    const answered = awaited.get(s.item.nonce);
    awaited.delete(s.item.nonce);
    if (answered) answered(s.answer, s.status);
  }
  if (sentHandler) sentHandler(sent);
  else unheard.push(...sent);
}

const awaited = new Map();
/** Hear the server's answer to one queued item (by its nonce) when the outbox sends it, from
 *  this page or the service worker: the card that queued it shows how it went. */
export function onceSent(itemNonce, answered) {
  awaited.set(itemNonce, answered);
}
