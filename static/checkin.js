// Check-in at a location (/l/CODE): one big tap, then a plain sentence for every answer.
import { get, post, Offline } from "./api.js";
import { h, show, notice, link, nonce, todayIso, wallTime, momentTime, whenSent } from "./ui.js";
import { mapLink } from "./sheet.js";
import { whoAmI } from "./session.js";
import { SAVED, syncLater } from "./home.js";
import { checkoutControl } from "./checkout.js";

const outbox = globalThis.CallboardOutbox;
const GEO_WAIT_MS = 3000;

export async function checkinPage(code) {
  show(h("section", { class: "panel" }, h("h1", null, "Finding this location…")));
  const [loc, who] = await Promise.all([lookup(code), whoAmI()]);
  if (loc.missing) return show(answerPanel({ result: "unknown_code" }), homeLink());
  if (loc.data && loc.data.current === false) {
    return show(answerPanel({ result: "rotated_code", location_name: loc.data.name }), homeLink());
  }
  if (!who.me && who.reason === "session_revoked") {
    return show(answerPanel({ result: "link_revoked" }));
  }
  if (!who.me && who.reason === "session_expired") {
    return show(answerPanel({ result: "session_expired" }));
  }
  if (!who.me && who.reason !== "offline") return show(answerPanel({ result: "no_session" }));

  const result = h("div", { class: "result", "aria-live": "polite", tabindex: "-1" });
  const [expected, waiting] = await Promise.all([
    who.me && loc.data ? expectedHere(loc.data.name) : null,
    queuedHere(code),
  ]);
  const tap = h("button", { type: "button", class: "btn checkin" }, "Check in");
  const personId = who.me ? who.me.person.id : null;
  tap.addEventListener("click", () => checkIn(code, loc.data, personId, tap, result));
  show(
    h(
      "section",
      { class: "location card" },
      h("p", { class: "kicker" }, loc.data ? "Location" : "Location poster"),
      h("h1", null, loc.data ? loc.data.name : `Code ${code}`),
      loc.data
        ? null
        : h("p", { class: "address" }, "No connection, so the name shows later. Check in anyway: the time you tap is kept."),
      loc.data && loc.data.address ? h("p", { class: "address" }, loc.data.address) : null,
    ),
    expected,
    who.me ? h("p", { class: "as" }, `Checking in as ${who.me.person.name}`) : null,
    waiting,
    tap,
    result,
    checkoutControl(code, loc.data, personId),
    loc.data ? h("p", { class: "center" }, mapLink(loc.data)) : null,
    homeLink(),
  );
}

/** Before the tap: am I expected here today, or somewhere else (from my saved calls)? */
async function expectedHere(name) {
  let res;
  try {
    res = await get("/api/home");
  } catch {
    return null;
  }
  if (res.status !== 200) return null;
  const today = todayIso();
  const calls = res.data.calls.filter((c) => c.date === today);
  const here = calls.find((c) => c.location && c.location.name === name);
  if (here) {
    return h("p", { class: "expected good" }, `Your call here today: ${wallTime(here.call_at)}`);
  }
  if (calls.length) {
    const c = calls[0];
    const where = c.location ? ` at ${c.location.name}` : "";
    return h(
      "p",
      { class: "expected warn" },
      `Not expected here today: your call is ${wallTime(c.call_at)}${where}.`,
    );
  }
  return h("p", { class: "expected warn" }, "You have no call today.");
}

/** A check-in from this phone still waiting to send stays in view when the page is reopened. */
async function queuedHere(code) {
  const items = (await outbox.all().catch(() => [])).filter(
    (item) => item.kind === "checkin" && item.meta.code === code,
  );
  if (!items.length) return null;
  return h(
    "p",
    { class: "expected queued", role: "status" },
    `You tapped Check in at ${momentTime(items[0].body.client_at)}: ${SAVED.toLowerCase()}.`,
  );
}

async function lookup(code) {
  try {
    const res = await get(`/api/locations/${encodeURIComponent(code)}`);
    if (res.status === 404) return { missing: true };
    return res.status === 200 ? { data: res.data } : {};
  } catch (err) {
    if (err instanceof Offline) return {}; // offline and never seen: still let them check in
    throw err;
  }
}

function homeLink() {
  return h("p", { class: "center" }, link("Back to my calls", "/", "btn secondary"));
}

async function checkIn(code, loc, personId, tap, result) {
  tap.disabled = true;
  tap.textContent = "Checking in…";
  const body = { code, nonce: nonce(), client_at: new Date().toISOString() };
  const position = await locate();
  if (position) body.position = position;
  let answered = null;
  if (navigator.onLine) {
    try {
      const res = await post("/api/checkins", body, 10000);
      if (res.status === 200) answered = res.data;
      else if (outbox.isFinal(res.status)) {
        tap.disabled = false;
        tap.textContent = "Check in";
        return result.replaceChildren(
          notice("bad", "That didn't work", [(res.data && res.data.message) || `Error ${res.status}`]),
        );
      }
    } catch (err) {
      if (!(err instanceof Offline)) throw err;
    }
  }
  tap.remove();
  if (answered) {
    result.replaceChildren(inPage(answerPanel(answered)));
    return result.focus();
  }
  await outbox.add(
    "checkin",
    "/api/checkins",
    { ...body, queued: true },
    { code, person_id: personId, name: loc ? loc.name : null },
  );
  syncLater();
  result.replaceChildren(
    inPage(notice("queued", SAVED, [
      `You tapped at ${momentTime(body.client_at)}${loc ? ` at ${loc.name}` : ""}; that is the time that counts.`,
      "Keep the app open or come back later: it sends by itself.",
    ])),
  );
  result.focus();
  whenSent((sent) => {
    const mine = sent.find((s) => s.item.nonce === body.nonce);
    if (mine && mine.status === 200) result.replaceChildren(inPage(answerPanel(mine.answer, true)));
  });
}

/** An answer shown under the location's own heading: its title is a second-level heading
 *  (one h1 per page), and the answer takes the focus so a screen reader reads it at once. */
function inPage(panel) {
  for (const h1 of panel.querySelectorAll("h1")) {
    const h2 = h("h2", { class: "answer-title" }, h1.textContent);
    h1.replaceWith(h2);
  }
  return panel;
}

/** The phone's position if it comes quickly; never waits long, never refuses without it. */
function locate() {
  if (!navigator.geolocation) return Promise.resolve(null);
  return new Promise((resolve) => {
    const give = (value) => resolve(value);
    setTimeout(() => give(null), GEO_WAIT_MS);
    navigator.geolocation.getCurrentPosition(
      (p) =>
        give({
          lat: p.coords.latitude,
          lon: p.coords.longitude,
          accuracy_m: Math.min(Math.round(p.coords.accuracy || 0), 100000),
        }),
      () => give(null),
      { enableHighAccuracy: true, timeout: GEO_WAIT_MS, maximumAge: 120000 },
    );
  });
}

function minutes(n) {
  if (n < 60) return `${n} minute${n === 1 ? "" : "s"}`;
  const rest = n % 60;
  return `${Math.floor(n / 60)} h${rest ? ` ${rest} min` : ""}`;
}

/** One sentence (or three) for every answer in the closed list. */
export function answerPanel(a, sentLater = false) {
  const where = a.location_name || "this location";
  const at = momentTime(a.at);
  const call = wallTime(a.call_at);
  let tone = "good";
  let title;
  let lines;
  switch (a.result) {
    case "ok":
      title = "You're checked in";
      lines = [`At ${where}, ${at}.`, call ? `On time for your ${call} call.` : "On time."];
      break;
    case "late":
      tone = "warn";
      title = `Checked in — late by ${minutes(a.late_minutes)}`;
      lines = [`At ${where}, ${at}.`, call ? `Your call was ${call}.` : null];
      break;
    case "already_checked_in":
      tone = "info";
      title = "You're already checked in";
      lines = [`You checked in at ${where} at ${momentTime(a.first_at) || at}. Nothing more to do.`];
      break;
    case "not_called_here_today":
      tone = "warn";
      title = "You're not called here today";
      lines = [
        `Your check-in at ${where} (${at}) is still recorded, and the coordinator sees it.`,
        a.called_elsewhere
          ? `Today you're called at ${a.called_elsewhere}.`
          : "You have no call anywhere today.",
      ];
      break;
    case "unknown_code":
      tone = "bad";
      title = "This code isn't recognised";
      lines = ["Check that you scanned a Callboard poster, or ask your coordinator."];
      break;
    case "rotated_code":
      tone = "bad";
      title = "This poster is out of date";
      lines = [
        `The code for ${where} has changed. Scan the new poster, or ask your coordinator.`,
      ];
      break;
    case "no_session":
      tone = "bad";
      title = "This phone isn't set up yet";
      lines = [
        "Open your personal link first (the one your coordinator sent by text or email), then scan the poster again.",
      ];
      break;
    case "link_revoked":
      tone = "bad";
      title = "Your link was switched off";
      lines = ["Access on this phone was revoked. Ask your coordinator for a new link."];
      break;
    case "session_expired":
      tone = "bad";
      title = "This phone was signed out";
      lines = ["It had not opened Callboard for months. Ask your coordinator for a new link."];
      break;
    default:
      tone = "bad";
      title = "Unexpected answer";
      lines = [`The server said "${a.result}". Tell your coordinator.`];
  }
  if (a.far) {
    const d = a.distance_m != null ? ` about ${Math.round(a.distance_m)} m` : "";
    lines.push(`Your phone placed you${d} from the location; the coordinator will see that.`);
  }
  if (sentLater || a.replayed) lines.push("Sent later from this phone, with the time you tapped.");
  return h(
    "div",
    { class: "answer", "data-result": a.result },
    notice(tone, title, lines),
  );
}
