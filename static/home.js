// Home: change notices to acknowledge, my next calls, today's call sheet, calendar feed.
import { get, post, del, forgetSaved, Offline } from "./api.js";
import {
  h,
  show,
  notice,
  button,
  link,
  nonce,
  safeUrl,
  wallDay,
  wallTime,
  momentDayTime,
  momentTime,
  whenSent,
} from "./ui.js";

const outbox = globalThis.CallboardOutbox;
export const SAVED = "Saved — will send when you're back online";

export async function homePage(who) {
  if (!who.me) return show(noSession(who.reason));
  let res;
  try {
    res = await get("/api/home");
  } catch (err) {
    if (!(err instanceof Offline)) throw err;
    return show(noSession("offline"));
  }
  if (res.status === 401) return show(noSession(res.data && res.data.error));
  if (res.status !== 200) {
    return show(notice("bad", "Couldn't load your calls", [res.data && res.data.message]));
  }
  const home = res.data;
  const pending = new Set(
    (await outbox.all().catch(() => []))
      .filter((item) => item.kind === "ack")
      .map((item) => item.meta.notice_id),
  );
  whenSent((sent) => {
    if (sent.some((s) => s.item.kind === "ack")) refresh();
  });
  show(
    res.cached ? offlineBanner(res.savedAt) : null,
    home.notices.length ? noticesSection(home.notices, pending, who.me.person.id) : null,
    callsSection(home.calls, who.me.person),
    home.today.map((sheet) => callSheet(sheet, who.me.person)),
    calendarSection(),
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

function noticesSection(notices, pending, personId) {
  return h(
    "section",
    { class: "notices", "aria-labelledby": "notices-h" },
    h("h2", { id: "notices-h" }, notices.length === 1 ? "A change to your calls" : "Changes to your calls"),
    notices.map((n) => noticeCard(n, pending.has(n.id), personId)),
  );
}

function noticeCard(n, isPending, personId) {
  const state = h("p", { class: "state", role: "status" }, isPending ? SAVED : "");
  const card = h(
    "article",
    { class: `card change${isPending ? " queued" : ""}`, "data-notice": n.id },
    h("p", { class: "kicker" }, kindLabel(n.kind), " · ", momentDayTime(n.created_at)),
    h("p", { class: "summary" }, n.summary),
    state,
  );
  if (!isPending) {
    const ack = button("Acknowledge", () => acknowledge(n, personId, card, ack, state), "btn big");
    card.append(ack);
  }
  return card;
}

function kindLabel(kind) {
  return (
    {
      location_changed: "Location changed",
      call_changed: "Call time changed",
      date_changed: "Date changed",
      day_cancelled: "Day cancelled",
      released: "No longer called",
      called: "You are called",
    }[kind] || "Change"
  );
}

async function acknowledge(n, personId, card, ack, state) {
  const url = `/api/notices/${encodeURIComponent(n.id)}/ack`;
  const body = { nonce: nonce(), client_at: new Date().toISOString() };
  ack.disabled = true;
  ack.textContent = "Sending…";
  if (navigator.onLine) {
    try {
      const res = await post(url, body, 8000);
      if (res.status === 200) {
        ack.remove();
        card.classList.add("done");
        state.textContent = `Acknowledged at ${momentTime(res.data.acknowledged_at)}. Thank you.`;
        return;
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
  await outbox.add("ack", url, { ...body, queued: true }, { notice_id: n.id, person_id: personId });
  syncLater();
  ack.remove();
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

function callsSection(calls, person) {
  return h(
    "section",
    { "aria-labelledby": "calls-h" },
    h("h2", { id: "calls-h" }, "My next calls"),
    calls.length
      ? h("ol", { class: "calls" }, calls.map((c, i) => callCard(c, i === 0)))
      : h("p", { class: "empty" }, `No calls scheduled for ${person.name} yet.`),
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
  const map = safeUrl(loc.map_url);
  return h(
    "div",
    { class: "where" },
    h("p", { class: "loc" }, loc.name),
    loc.address ? h("p", { class: "address" }, loc.address) : null,
    map
      ? h("a", { class: "map", href: map, target: "_blank", rel: "noopener noreferrer" }, "Open map")
      : null,
  );
}

function callSheet(sheet, me) {
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
      h(
        "ul",
        { class: "crew" },
        sheet.crew.map((c) =>
          h(
            "li",
            { class: c.name === me.name ? "me" : null },
            h("span", { class: "t" }, wallTime(c.call_at)),
            h(
              "span",
              { class: "n" },
              h("b", null, c.name),
              h("small", null, [c.role, c.department].filter(Boolean).join(" · ")),
            ),
          ),
        ),
      ),
    ),
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
