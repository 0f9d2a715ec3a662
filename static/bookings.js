// A vendor's contact: their company's bookings to confirm, offline too (the confirmation waits
// in the outbox, and holds only for the booking as it was shown). Loaded with the contracts
// page, on demand, so the crew's first load stays small.
import { post, Offline } from "./api.js";
import { h, button, wallDay, wallTime, momentDayTime, momentTime, nonce, onceSent } from "./ui.js";
import { SAVED, syncLater } from "./home.js";
import { load } from "./paperwork.js";

const outbox = globalThis.CallboardOutbox;

/** A vendor contact's bookings, each with a Confirm button until confirmed. */
export async function bookingsSection() {
  const bookings = await load("/api/bookings");
  if (!bookings || !bookings.length) return null;
  const queued = await outbox.all().catch(() => []);
  const waiting = new Map(
    queued.filter((item) => item.kind === "booking").map((item) => [item.meta.booking_id, item]),
  );
  return h(
    "section",
    { class: "bookings", "aria-labelledby": "bookings-h" },
    h("h2", { id: "bookings-h" }, "Your bookings"),
    h("ul", { class: "booking-list" }, bookings.map((b) => bookingCard(b, waiting.get(b.id)))),
  );
}

function bookingCard(b, waiting) {
  const state = h("p", { class: "state", role: "status" });
  const card = h(
    "li",
    { class: "card booking", "data-booking": b.id },
    h("p", { class: "kicker" }, `${b.what ? `${b.what} ` : ""}${b.kind}`),
    h("p", { class: "when" }, `${wallDay(b.at)} ${wallTime(b.at)}`),
    h(
      "p",
      { class: "where" },
      b.location ? b.location.name : "Location to be confirmed",
      b.location && b.location.address ? h("small", null, ` · ${b.location.address}`) : null,
    ),
    b.notes ? h("p", { class: "notes" }, b.notes) : null,
    state,
  );
  if (b.confirmed_at) {
    state.textContent = `Confirmed${b.confirmed_by ? ` by ${b.confirmed_by}` : ""}, ${momentDayTime(b.confirmed_at)}.`;
    card.classList.add("done");
    return card;
  }
  if (waiting) {
    queuedState(card, state, waiting.body);
    onceSent(waiting.nonce, (answer, status) => answered(b, card, state, answer, status));
    return card;
  }
  const go = button("Confirm booking", () => confirm(b, card, go, state), "btn big");
  card.append(go);
  return card;
}

async function confirm(b, card, go, state) {
  go.disabled = true;
  go.textContent = "Sending…";
  const url = `/api/bookings/${encodeURIComponent(b.id)}/confirm`;
  const body = { shown: b.shown, nonce: nonce(), client_at: new Date().toISOString() };
  if (navigator.onLine) {
    try {
      const res = await post(url, body, 10000);
      if (res.status === 200 || outbox.isFinal(res.status)) {
        return answered(b, card, state, res.data, res.status, go);
      }
    } catch (err) {
      if (!(err instanceof Offline)) throw err;
    }
  }
  const item = await outbox.add("booking", url, { ...body, queued: true }, { booking_id: b.id });
  syncLater();
  go.remove();
  queuedState(card, state, item.body);
  onceSent(item.nonce, (answer, status) => answered(b, card, state, answer, status));
}

function queuedState(card, state, body) {
  card.classList.add("queued");
  state.textContent = `${SAVED}: you confirmed at ${momentTime(body.client_at)}.`;
}

/** The server's answer, now or after the outbox sent it: confirmed, or why not. */
function answered(b, card, state, answer, status, go = null) {
  if (status === 200) return card.replaceWith(bookingCard(answer));
  card.classList.remove("queued");
  const again = go || button("Confirm booking", () => confirm(b, card, again, state), "btn big");
  again.disabled = false;
  again.textContent = "Confirm booking";
  if (!again.isConnected) card.append(again);
  state.textContent = (answer && answer.message) || `That didn't work (error ${status}).`;
  // What was confirmed is not what is booked now: show the booking as it is, to confirm again.
  if (answer && answer.error === "booking_changed") refreshed(card, b.id, answer.message);
}

async function refreshed(card, id, message) {
  const section = card.closest("section.bookings");
  const fresh = await bookingsSection();
  if (!section || !fresh || !section.isConnected) return;
  section.replaceWith(fresh);
  const state = fresh.querySelector(`.booking[data-booking="${id}"] .state`);
  if (!state) return;
  state.textContent = `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
  state.classList.add("warn");
}
