// Home: today (call, place, check-in), changes to acknowledge (folded per day), my next calls,
// call sheets (kept for offline reading), calendar feed.
import { get, post, del, forgetSaved, Offline } from "./api.js";
import { paperworkSection } from "./paperwork.js";
import {
  h,
  show,
  notice,
  button,
  link,
  nonce,
  todayIso,
  wallDay,
  wallTime,
  momentDayTime,
  momentTime,
  whenSent,
} from "./ui.js";
import { crewList, keepSheets, mapLink, sheetPath } from "./sheet.js";

import { notifySection } from "./push.js";

const outbox = globalThis.CallboardOutbox;
export const SAVED = "Saved — will send when you're back online";

let lastShown = "";

/** Home, ordered for the morning: today, then changes to acknowledge, then my next calls,
 *  then the call sheets. `quiet` re-renders only when something changed, without moving focus
 *  (a refresh on return to the app or by timer). */
export async function homePage(who, quiet = false) {
  if (!who.me) return quiet ? null : show(noSession(who.reason));
  let res;
  try {
    res = await get("/api/home");
  } catch (err) {
    if (!(err instanceof Offline)) throw err;
    return quiet ? null : show(noSession("offline"));
  }
  if (res.status === 401) return show(noSession(res.data && res.data.error));
  if (res.status !== 200) {
    if (quiet) return null;
    return show(notice("bad", "Couldn't load your calls", [res.data && res.data.message]));
  }
  const home = res.data;
  const queued = await outbox.all().catch(() => []);
  const key = JSON.stringify([home, queued.map((item) => item.nonce), res.cached]);
  if (quiet && key === lastShown) return null;
  lastShown = key;
  const pending = new Set(queued.filter((item) => item.kind === "ack").map((item) => item.meta.notice_id));
  const checkins = queued.filter((item) => item.kind === "checkin");
  whenSent((sent) => {
    if (sent.some((s) => s.item.kind === "ack" || s.item.kind === "checkin")) refresh();
  });
  const today = todayIso();
  const todays = home.calls.filter((c) => c.date === today);
  const later = home.calls.filter((c) => !todays.includes(c));
  const changes = home.changes || home.notices.map((n) => ({ day_id: null, date: null, notices: [n], current: null }));
  const papers = await paperworkSection();
  (quiet ? quietly : show)(
    res.cached ? offlineBanner(res.savedAt) : null,
    todaySection(todays, checkins),
    changes.length ? changesSection(changes, pending, who.me.person.id) : null,
    callsSection(later, who.me.person, todays.length > 0),
    sheetsSection(home.sheets || []),
    home.today.map((sheet) => callSheet(sheet, who.me.person)),
    papers,
    calendarSection(),
    notifySection(),
    h(
      "p",
      { class: "hint" },
      "To check in, scan the QR poster at your location with your phone's camera.",
    ),
    h("p", { class: "center" }, link("My contracts", "/contracts", "btn secondary")),
    h(
      "p",
      { class: "center" },
      button(`Not ${who.me.person.name}? Sign out of this phone`, signOut, "btn quiet"),
    ),
  );
  keepSheets(home.sheets);
  return null;
}

/** Replace the page without moving focus or scroll: the person may be reading it. */
function quietly(...nodes) {
  const main = document.getElementById("main");
  const y = window.scrollY;
  main.replaceChildren(...nodes.flat(Infinity).filter((n) => n != null && n !== false));
  window.scrollTo(0, y);
}

// --- today ----------------------------------------------------------------------------------

function todaySection(calls, checkins) {
  return h(
    "section",
    { class: "today", "aria-labelledby": "today-h" },
    h("h1", { id: "today-h" }, `Today, ${dayName(todayIso())}`),
    calls.length
      ? calls.map((call) => todayCard(call, checkins))
      : h("p", { class: "empty" }, "No call today."),
  );
}

function todayCard(call, checkins) {
  const waiting = checkins.filter((item) => !call.location || item.meta.name === call.location.name);
  let state;
  if (call.checked_in_at) {
    state = h("p", { class: "checked good" }, `Checked in at ${momentTime(call.checked_in_at)}`);
  } else if (waiting.length) {
    const tapped = waiting[0].body.client_at;
    state = h(
      "p",
      { class: "checked queued" },
      `Check-in tapped at ${momentTime(tapped)}: ${SAVED.toLowerCase()}`,
    );
  } else {
    state = h("p", { class: "checked muted" }, "Not checked in yet: scan the poster when you arrive.");
  }
  return h(
    "article",
    { class: "card call today-call next" },
    h(
      "div",
      { class: "when" },
      h("span", { class: "day" }, "Your call"),
      h("span", { class: "time" }, wallTime(call.call_at)),
      call.wrap_at ? h("span", { class: "wrap" }, `wrap ${wallTime(call.wrap_at)}`) : null,
    ),
    h(
      "div",
      { class: "what" },
      h("p", { class: "unit" }, `${call.unit} unit`, call.scenes ? ` · Scenes ${call.scenes}` : ""),
      place(call.location),
      state,
      call.notes ? h("p", { class: "notes" }, call.notes) : null,
    ),
  );
}

function dayName(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

// --- published call sheets ------------------------------------------------------------------

function sheetsSection(sheets) {
  if (!sheets.length) return null;
  return h(
    "section",
    { class: "sheets", "aria-labelledby": "sheets-h" },
    h("h2", { id: "sheets-h" }, "Call sheets"),
    h(
      "ul",
      { class: "sheet-links" },
      sheets.map((s) =>
        h(
          "li",
          null,
          link(
            `Call sheet for ${wallDay(s.date)}, ${s.unit} unit (version ${s.version})`,
            sheetPath(s.date, s.unit),
            "btn secondary",
          ),
        ),
      ),
    ),
  );
}

async function signOut() {
  const waiting = (await outbox.all().catch(() => [])).length;
  if (waiting) {
    return show(
      notice("warn", "Not yet: something is waiting to send", [
        `${waiting} check-in or acknowledgement${waiting === 1 ? " is" : "s are"} still on this phone. Connect to the internet so ${waiting === 1 ? "it is" : "they are"} sent, then sign out.`,
      ], link("Back to my calls", "/", "btn")),
    );
  }
  try {
    await del("/api/session");
  } catch (err) {
    if (!(err instanceof Offline)) throw err;
    return show(notice("warn", "You're offline", ["Signing out needs a connection."]));
  }
  await forgetSaved();
  document.getElementById("who").textContent = "";
  show(noSession("signed_out"));
}

async function refresh() {
  const { whoAmI } = await import("./session.js");
  if (location.pathname === "/") homePage(await whoAmI());
}

function noSession(reason) {
  if (reason === "offline") {
    return notice("warn", "You're offline", [
      "This phone has nothing saved yet. Connect to the internet once and your calls will be kept for offline use.",
    ]);
  }
  if (reason === "session_revoked") {
    return notice("bad", "This phone was signed out", [
      "Your coordinator switched off access on this phone.",
      "Ask your coordinator for a new link.",
    ]);
  }
  if (reason === "session_expired") {
    return notice("bad", "This phone was signed out", [
      "It had not opened Callboard for months.",
      "Ask your coordinator for a new link.",
    ]);
  }
  return notice("", "Welcome to Callboard", [
    "Your calls, call sheets and schedule changes, on your phone.",
    "To set up this phone, open the personal link your coordinator sent you by text or email.",
  ]);
}

function offlineBanner(savedAt) {
  const at = savedAt ? momentDayTime(new Date(savedAt).toISOString()) : "";
  return h(
    "p",
    { class: "banner warn", role: "status" },
    at ? `You're offline. Showing what was saved at ${at}.` : "You're offline. Showing saved data.",
  );
}

// --- change notices -------------------------------------------------------------------------

/** Vendor pages show their booking notices the same way, one card each. */
export function noticesSection(notices, pending, personId, what = "calls") {
  const single = notices.map((n) => ({ day_id: null, date: null, notices: [n], current: null }));
  return changesSection(single, pending, personId, what);
}

function changesSection(changes, pending, personId, what = "calls") {
  return h(
    "section",
    { class: "notices", "aria-labelledby": "notices-h" },
    h("h2", { id: "notices-h" }, changes.length === 1 ? `A change to your ${what}` : `Changes to your ${what}`),
    changes.map((c) => changeCard(c, pending, personId)),
  );
}

const TIMES = ["", "once", "twice", "three times"];

function changeCard(change, pending, personId) {
  // Changes made together (one publication) are all current; only older ones are superseded.
  const newest = change.notices[0];
  const latest = change.notices.filter((n) => n.created_at === newest.created_at);
  const earlier = change.notices.slice(latest.length);
  const isPending = change.notices.every((n) => pending.has(n.id));
  const state = h("p", { class: "state", role: "status" }, isPending ? SAVED : "");
  const count = change.notices.length;
  const card = h(
    "article",
    { class: `card change${isPending ? " queued" : ""}`, "data-notice": newest.id, "data-day": change.day_id },
    h(
      "p",
      { class: "kicker" },
      count > 1
        ? `Changed ${TIMES[count] || `${count} times`} since you last looked`
        : kindLabel(newest.kind),
      " · ",
      momentDayTime(newest.created_at),
    ),
    latest.map((n) => h("p", { class: "summary" }, n.summary)),
    nowLine(change),
    earlier.length
      ? h(
          "details",
          { class: "earlier" },
          h("summary", null, earlier.length === 1 ? "Earlier change" : `${earlier.length} earlier changes`),
          h("ul", null, earlier.map((n) => h("li", null, h("s", null, n.summary), ` (${momentDayTime(n.created_at)})`))),
        )
      : null,
    state,
  );
  if (!isPending) {
    const label = count === 1 ? "Acknowledge" : count === 2 ? "Acknowledge both changes" : `Acknowledge all ${count} changes`;
    const ack = button(label, () => acknowledge(change.notices, personId, card, ack, state), "btn big");
    card.append(ack);
  }
  return card;
}

/** The day as it stands now, so an old notice never reads as the current state. */
function nowLine(change) {
  const c = change.current;
  if (c) {
    const where = c.location ? ` at ${c.location.name}` : "";
    const day = wallDay(c.call_at);
    const when = day === "Today" || day === "Tomorrow" ? day.toLowerCase() : `on ${day}`;
    return h("p", { class: "now" }, `Now: ${when}, your call is ${wallTime(c.call_at)}${where}.`);
  }
  if (change.day_id && change.notices.length > 1) {
    return h("p", { class: "now" }, "Now: you are not called that day.");
  }
  return null;
}

function kindLabel(kind) {
  return (
    {
      location_changed: "Location changed",
      call_changed: "Call time changed",
      date_changed: "Date changed",
      day_cancelled: "Day cancelled",
      released: "No longer called",
      booking_moved: "Booking moved",
      booking_cancelled: "Booking cancelled",
      called: "You are called",
    }[kind] || "Change"
  );
}

async function acknowledge(list, personId, card, ack, state) {
  ack.disabled = true;
  ack.textContent = "Sending…";
  let at = null;
  const left = [];
  for (const n of list) {
    const url = `/api/notices/${encodeURIComponent(n.id)}/ack`;
    const body = { nonce: nonce(), client_at: new Date().toISOString() };
    if (navigator.onLine && !left.length) {
      try {
        const res = await post(url, body, 8000);
        if (res.status === 200) {
          at = res.data.acknowledged_at;
          continue;
        }
        if (outbox.isFinal(res.status)) {
          ack.disabled = false;
          ack.textContent = "Acknowledge";
          state.textContent = (res.data && res.data.message) || "The server refused this.";
          return;
        }
      } catch (err) {
        if (!(err instanceof Offline)) throw err;
      }
    }
    left.push([n, url, body]);
  }
  ack.remove();
  if (!left.length) {
    card.classList.add("done");
    state.textContent = `Acknowledged at ${momentTime(at)}. Thank you.`;
    state.tabIndex = -1;
    state.focus();
    return;
  }
  for (const [n, url, body] of left) {
    await outbox.add("ack", url, { ...body, queued: true }, { notice_id: n.id, person_id: personId });
  }
  syncLater();
  card.classList.add("queued");
  state.textContent = SAVED;
}

/** Ask for Background Sync where it exists; the page flushes by itself everywhere else. */
export function syncLater() {
  navigator.serviceWorker?.ready
    .then((reg) => reg.sync && reg.sync.register("outbox"))
    .catch(() => {});
}

// --- calls ----------------------------------------------------------------------------------

function callsSection(calls, person, calledToday) {
  return h(
    "section",
    { "aria-labelledby": "calls-h" },
    h("h2", { id: "calls-h" }, "My next calls"),
    calls.length
      ? h("ol", { class: "calls" }, calls.map((c, i) => callCard(c, i === 0)))
      : h(
          "p",
          { class: "empty" },
          calledToday ? "Nothing after today yet." : `No calls scheduled for ${person.name} yet.`,
        ),
  );
}

function callCard(call, first) {
  return h(
    "li",
    { class: `card call${first ? " next" : ""}` },
    h(
      "div",
      { class: "when" },
      h("span", { class: "day" }, wallDay(call.call_at || call.date)),
      h("span", { class: "time" }, wallTime(call.call_at)),
      call.wrap_at ? h("span", { class: "wrap" }, `wrap ${wallTime(call.wrap_at)}`) : null,
    ),
    h(
      "div",
      { class: "what" },
      h("p", { class: "unit" }, `${call.unit} unit`, call.scenes ? ` · Scenes ${call.scenes}` : ""),
      place(call.location),
      call.notes ? h("p", { class: "notes" }, call.notes) : null,
    ),
  );
}

function place(loc) {
  if (!loc) return h("p", { class: "where muted" }, "Location to be confirmed");
  return h(
    "div",
    { class: "where" },
    h("p", { class: "loc" }, loc.name),
    loc.address ? h("p", { class: "address" }, loc.address) : null,
    mapLink(loc),
  );
}

function callSheet(sheet, me) {
  const groups = [];
  for (const c of sheet.crew) {
    const name = c.department || "Other";
    let group = groups.find((g) => g.name === name);
    if (!group) groups.push((group = { name, walkie: "", people: [] }));
    group.people.push({ name: c.name, role: c.role, call_at: c.call_at, me: c.name === me.name });
  }
  groups.sort((a, b) => a.name.localeCompare(b.name));
  return h(
    "section",
    { class: "sheet", "aria-label": "Today's call sheet" },
    h("h2", null, "Today's call sheet"),
    h(
      "div",
      { class: "card" },
      h(
        "p",
        { class: "sheet-head" },
        `${sheet.unit} unit · call ${wallTime(sheet.call_at)}`,
        sheet.wrap_at ? ` · wrap ${wallTime(sheet.wrap_at)}` : "",
      ),
      place(sheet.location),
      sheet.scenes ? h("p", { class: "unit" }, `Scenes ${sheet.scenes}`) : null,
    ),
    crewList(groups, "Who is called today", 12),
  );
}

// --- calendar -------------------------------------------------------------------------------

function calendarSection() {
  const out = h("div", { class: "cal-out" });
  const go = button("Add my calls to my calendar", () => makeFeed(go, out), "btn secondary");
  return h(
    "section",
    { class: "calendar", "aria-labelledby": "cal-h" },
    h("h2", { id: "cal-h" }, "Calendar"),
    h("p", { class: "muted" }, "Subscribe once and your calendar app keeps your calls up to date."),
    go,
    out,
  );
}

async function makeFeed(btn, out) {
  btn.disabled = true;
  let res;
  try {
    res = await post("/api/calendar");
  } catch (err) {
    if (!(err instanceof Offline)) throw err;
    btn.disabled = false;
    return out.replaceChildren(h("p", { class: "state" }, "You're offline. Try again when connected."));
  }
  btn.disabled = false;
  if (res.status !== 200 || !res.data.url) {
    return out.replaceChildren(h("p", { class: "state" }, (res.data && res.data.message) || "That didn't work."));
  }
  const url = res.data.url;
  const field = h("input", { class: "url", type: "text", readonly: true, value: url, "aria-label": "Calendar address" });
  const copied = h("span", { class: "state", role: "status" });
  const copy = button("Copy", async () => {
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      field.select();
      document.execCommand("copy");
    }
    copied.textContent = "Copied";
  }, "btn secondary");
  btn.textContent = "Get a new calendar link";
  out.replaceChildren(
    field,
    h("div", { class: "actions" }, copy, link("Open in calendar app", url.replace(/^https?:/, "webcal:"), "btn")),
    copied,
    h("p", { class: "hint" }, "A new link replaces the old one: calendars using the old one stop updating."),
  );
}
