// Equipment labels (/e/CODE) and stage codes (/s/CODE): one tap, like a check-in. Taking a unit
// checks it out to you; tapping again while you hold it gives it back. Offline, the tap waits
// in the outbox with its nonce and the time you tapped, and is sent later.
import { get, post, Offline } from "./api.js";
import { h, show, notice, link, nonce, momentTime, wallTime, wallDay, whenSent } from "./ui.js";
import { whoAmI } from "./session.js";
import { SAVED, syncLater } from "./home.js";

const outbox = globalThis.CallboardOutbox;
// What the server's 401 codes mean as an answer (the same words as a check-in).
const SIGNED_OUT = { session_revoked: "link_revoked", session_expired: "session_expired" };

async function read(path) {
  try {
    const res = await get(path);
    if (res.status === 404) return { missing: true };
    return res.status === 200 ? { data: res.data } : { status: res.status, error: res.data && res.data.error };
  } catch (err) {
    if (err instanceof Offline) return {};
    throw err;
  }
}

function homeLink() {
  return h("p", { class: "center" }, link("My calls", "/", "btn secondary"));
}

function signedOutAnswer(who) {
  if (who.me || who.reason === "offline") return null;
  return { result: SIGNED_OUT[who.reason] || "no_session" };
}

// --- a unit's label -------------------------------------------------------------------------

export async function unitPage(code) {
  show(h("section", { class: "panel" }, h("h1", null, "Finding this label…")));
  const [unit, who] = await Promise.all([read(`/api/units/${encodeURIComponent(code)}`), whoAmI()]);
  if (unit.missing) return show(unitAnswer({ result: "unknown_code" }), homeLink());
  const out = signedOutAnswer(who);
  if (out) return show(unitAnswer(out));
  const u = unit.data;
  const mine = u && who.me && u.holder_name === who.me.person.name;
  const result = h("div", { class: "result", "aria-live": "polite" });
  const tap = h("button", { type: "button", class: "btn checkin" }, mine ? "Give it back" : "Take it");
  const status = u && u.holder_name
    ? h("p", { class: "address" }, `With ${u.holder_name}${u.due_back_at ? `, due back ${wallTime(u.due_back_at)}` : ""}.`)
    : h("p", { class: "address" }, u ? "On the shelf." : "No connection: tap anyway, it is sent later.");
  const answered = (a, later = false) => {
    if (a.result === "returned") status.textContent = "On the shelf.";
    else if (a.result === "checked_out" || a.result === "handed_over") status.textContent = "With you.";
    return unitAnswer(a, later);
  };
  tap.addEventListener("click", () => send("/api/units/scans", { code }, tap, result, answered));
  show(
    h(
      "section",
      { class: "location card" },
      h("p", { class: "kicker" }, u ? u.item_name : "Equipment label"),
      h("h1", null, u ? u.label : `Label ${code}`),
      status,
    ),
    who.me ? h("p", { class: "as" }, `As ${who.me.person.name}`) : null,
    tap,
    result,
    homeLink(),
  );
}

/** Send a scan now, or queue it in the outbox when there is no connection. */
async function send(url, fields, tap, result, answer) {
  tap.disabled = true;
  const label = tap.textContent;
  tap.textContent = "Sending…";
  const body = { ...fields, nonce: nonce(), client_at: new Date().toISOString() };
  let answered = null;
  if (navigator.onLine) {
    try {
      const res = await post(url, body, 10000);
      if (res.status === 200) answered = res.data;
      else if (res.status === 401) answered = { result: SIGNED_OUT[res.data && res.data.error] || "no_session" };
      else if (outbox.isFinal(res.status)) {
        tap.disabled = false;
        tap.textContent = label;
        return result.replaceChildren(
          notice("bad", "That didn't work", [(res.data && res.data.message) || `Error ${res.status}`]),
        );
      }
    } catch (err) {
      if (!(err instanceof Offline)) throw err;
    }
  }
  tap.remove();
  if (answered) return result.replaceChildren(answer(answered));
  await outbox.add("scan", url, { ...body, queued: true }, fields);
  syncLater();
  result.replaceChildren(
    notice("queued", SAVED, [
      `You tapped at ${momentTime(body.client_at)}; that is the time that counts.`,
      "Keep the app open or come back later: it sends by itself.",
    ]),
  );
  whenSent((sent) => {
    const mine = sent.find((s) => s.item.nonce === body.nonce);
    if (mine && mine.status === 200) result.replaceChildren(answer(mine.answer, true));
  });
}

/** One sentence for every answer a label scan can get. */
export function unitAnswer(a, sentLater = false) {
  const what = a.label ? `${a.label}${a.item_name ? ` (${a.item_name})` : ""}` : "This unit";
  const due = a.due_back_at ? `Due back ${wallTime(a.due_back_at)}.` : null;
  let tone = "good";
  let title;
  let lines;
  switch (a.result) {
    case "checked_out":
      title = "It's yours now";
      lines = [`${what} is checked out to you at ${momentTime(a.at)}.`, due];
      break;
    case "handed_over":
      title = "Handed over to you";
      lines = [`${what} was with ${a.previous_holder || "someone else"}; it's yours now.`, due];
      break;
    case "returned":
      title = "Given back";
      lines = [`${what} is back${a.returned_to ? ` at ${a.returned_to}` : ""}. Thank you.`];
      break;
    case "unknown_code":
      tone = "bad";
      title = "This label isn't recognised";
      lines = ["Check that you scanned a Callboard equipment label, or ask your coordinator."];
      break;
    case "no_session":
      tone = "bad";
      title = "This phone isn't set up yet";
      lines = ["Open your personal link first, then scan the label again."];
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
  if (sentLater || a.replayed) lines.push("Sent later from this phone, with the time you tapped.");
  return h("div", { class: "answer", "data-result": a.result }, notice(tone, title, lines));
}

// --- a stage's code -------------------------------------------------------------------------

export async function stagePage(code) {
  show(h("section", { class: "panel" }, h("h1", null, "Finding this stage…")));
  const who = await whoAmI();
  const out = signedOutAnswer(who);
  if (out) return show(unitAnswer(out));
  const stage = await read(`/api/stages/${encodeURIComponent(code)}`);
  if (stage.missing) return show(stageAnswer({ result: "unknown_code" }), homeLink());
  const s = stage.data;
  if (!s) return show(notice("bad", "No connection", ["Open this page again when you have signal."]), homeLink());
  const orderWord = s.words.order;
  const rows = s.orders.map((o) => {
    const result = h("div", { class: "result", "aria-live": "polite" });
    const tap = h("button", { type: "button", class: "btn" }, `${capital(s.words.finish_stage)}`);
    tap.addEventListener("click", () =>
      send("/api/stages/scans", { code, order_id: o.order_id }, tap, result, stageAnswer),
    );
    return h(
      "li",
      { class: "card" },
      h("h2", null, `${capital(orderWord)} ${o.order_id}: ${o.product_name}`),
      h("p", null, `${o.quantity} for ${o.customer || "stock"}, ${s.words.deadline} ${wallDay(o.due_on)}`),
      tap,
      result,
    );
  });
  show(
    h("section", { class: "location card" }, h("p", { class: "kicker" }, capital(s.words.stage)), h("h1", null, s.name)),
    rows.length
      ? h("ul", { class: "orders" }, rows)
      : h("p", null, `No ${s.words.orders.toLowerCase()} are waiting here.`),
    homeLink(),
  );
}

function capital(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

/** One sentence for every answer a stage scan can get. */
export function stageAnswer(a, sentLater = false) {
  let tone = "good";
  let title;
  let lines;
  switch (a.result) {
    case "moved_on":
      title = "Moved on";
      lines = [`It goes on to ${a.next_stage || "the next stage"}.`];
      break;
    case "finished":
      title = "Finished";
      lines = ["That was the last stage: it is ready to go out."];
      break;
    case "not_here":
      tone = "warn";
      title = "It isn't at this stage";
      lines = ["Someone moved it already, or it is somewhere else. Ask your coordinator."];
      break;
    case "not_in_progress":
      tone = "warn";
      title = "It isn't in progress";
      lines = ["It has not started yet or it is already finished."];
      break;
    case "unknown_code":
      tone = "bad";
      title = "This code isn't recognised";
      lines = ["Check that you scanned a Callboard stage code, or ask your coordinator."];
      break;
    default:
      tone = "bad";
      title = "Unexpected answer";
      lines = [`The server said "${a.result}". Tell your coordinator.`];
  }
  if (sentLater) lines.push("Sent later from this phone, with the time you tapped.");
  return h("div", { class: "answer", "data-result": a.result }, notice(tone, title, lines));
}
