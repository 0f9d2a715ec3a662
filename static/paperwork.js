// My paperwork (each required document, its state, what is left) and, for a vendor's contact,
// their company's bookings to confirm. Loaded by the home and contracts pages.
import { get, post, Offline } from "./api.js";
import { h, button, wallDay, wallTime, momentDayTime } from "./ui.js";

async function load(path) {
  try {
    const res = await get(path);
    return res.status === 200 ? res.data : null;
  } catch (err) {
    if (!(err instanceof Offline)) throw err;
    return null;
  }
}

/** The "My paperwork" card, or nothing when the production requires nothing of me. */
export async function paperworkSection() {
  const papers = await load("/api/paperwork");
  if (!papers || !papers.required.length) return null;
  return h(
    "section",
    { class: "paperwork", "aria-labelledby": "paperwork-h" },
    h("h2", { id: "paperwork-h" }, "My paperwork"),
    h(
      "p",
      { class: papers.left ? "summary warn" : "summary good" },
      papers.left
        ? `${papers.left} of ${papers.required.length} required document${papers.required.length === 1 ? "" : "s"} still to complete.`
        : "All your paperwork is complete.",
    ),
    h("ul", { class: "papers" }, papers.required.map(paperRow)),
  );
}

function paperRow(p) {
  return h(
    "li",
    { class: `card paper${p.done ? " done" : ""}`, "data-kind": p.kind },
    h("p", { class: "kicker" }, p.kind, p.expires_on ? ` · expires ${p.expires_on}` : ""),
    p.contract_id
      ? h("p", { class: "title" }, h("a", { href: `/contracts/${p.contract_id}` }, p.title || p.kind))
      : null,
    h("p", { class: `state ${p.done ? "good" : "warn"}` }, p.done ? "Complete" : p.left),
  );
}

/** A vendor contact's bookings, each with a Confirm button until confirmed. */
export async function bookingsSection() {
  const bookings = await load("/api/bookings");
  if (!bookings || !bookings.length) return null;
  return h(
    "section",
    { class: "bookings", "aria-labelledby": "bookings-h" },
    h("h2", { id: "bookings-h" }, "Your bookings"),
    h("ul", { class: "booking-list" }, bookings.map(bookingCard)),
  );
}

function bookingCard(b) {
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
  const go = button("Confirm booking", () => confirm(b, card, go, state), "btn big");
  card.append(go);
  return card;
}

async function confirm(b, card, go, state) {
  go.disabled = true;
  go.textContent = "Sending…";
  let res;
  try {
    res = await post(`/api/bookings/${encodeURIComponent(b.id)}/confirm`, {});
  } catch (err) {
    if (!(err instanceof Offline)) throw err;
    res = { status: 0, data: { message: "You're offline. Nothing was sent; try again when connected." } };
  }
  if (res.status === 200) {
    card.replaceWith(bookingCard(res.data));
    return;
  }
  go.disabled = false;
  go.textContent = "Confirm booking";
  state.textContent = (res.data && res.data.message) || `That didn't work (error ${res.status}).`;
}
