// Check-out (wrap) from the same poster: the check-in's twin. Same nonce, same outbox, a
// plain sentence for every answer in the closed list.
import { post, Offline } from "./api.js";
import { h, notice, nonce, momentTime, onceSent } from "./ui.js";
import { SAVED, syncLater } from "./home.js";

const outbox = globalThis.CallboardOutbox;

/** The poster page's second button: "Check out" at wrap, with its own answer area. */
export function checkoutControl(code, loc, personId) {
  const result = h("div", { class: "result checkout-result", "aria-live": "polite" });
  const tap = h("button", { type: "button", class: "btn secondary big checkout" }, "Check out (wrap)");
  tap.addEventListener("click", () => checkOut(code, loc, personId, tap, result));
  return h("div", { class: "checkout-control" }, tap, result);
}

async function checkOut(code, loc, personId, tap, result) {
  tap.disabled = true;
  tap.textContent = "Checking out…";
  const body = { code, nonce: nonce(), client_at: new Date().toISOString() };
  let answered = null;
  if (navigator.onLine) {
    try {
      const res = await post("/api/checkouts", body, 10000);
      if (res.status === 200) answered = res.data;
      else if (outbox.isFinal(res.status)) {
        tap.disabled = false;
        tap.textContent = "Check out (wrap)";
        return result.replaceChildren(
          notice("bad", "That didn't work", [(res.data && res.data.message) || `Error ${res.status}`]),
        );
      }
    } catch (err) {
      if (!(err instanceof Offline)) throw err;
    }
  }
  tap.remove();
  if (answered) return result.replaceChildren(checkoutPanel(answered));
  await outbox.add("checkout", "/api/checkouts", { ...body, queued: true }, { code, person_id: personId });
  syncLater();
  result.replaceChildren(
    notice("queued", SAVED, [
      `You wrapped at ${momentTime(body.client_at)}${loc ? ` at ${loc.name}` : ""}; that is the time that counts.`,
      "Keep the app open or come back later: it sends by itself.",
    ]),
  );
  onceSent(body.nonce, (answer, status) => {
    if (status === 200) result.replaceChildren(checkoutPanel(answer, true));
  });
}

function hours(fromIso, toIso) {
  if (!fromIso || !toIso) return null;
  const minutes = Math.round((new Date(toIso) - new Date(fromIso)) / 60000);
  if (!(minutes > 0)) return null;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")}`;
}

/** One sentence (or three) for every answer in the closed list. */
export function checkoutPanel(a, sentLater = false) {
  const where = a.location_name || "this location";
  const at = momentTime(a.at);
  let tone = "good";
  let title;
  let lines;
  switch (a.result) {
    case "ok": {
      title = "You're checked out";
      const span = hours(a.arrived_at, a.at);
      lines = [`Wrapped at ${where}, ${at}.`, span ? `${span} since you checked in. Thank you!` : "Thank you!"];
      break;
    }
    case "already_checked_out":
      tone = "info";
      title = "You're already checked out";
      lines = [`You checked out at ${momentTime(a.first_at) || at}. That time stands.`];
      break;
    case "not_checked_in":
      tone = "warn";
      title = "Checked out — but you never checked in";
      lines = [
        `Your wrap at ${where} (${at}) is recorded.`,
        "There is no check-in for you today, so the coordinator will ask when you arrived.",
      ];
      break;
    case "not_called_here_today":
      tone = "warn";
      title = "You're not called here today";
      lines = [`Your check-out at ${where} (${at}) is still recorded, and the coordinator sees it.`];
      break;
    case "unknown_code":
      tone = "bad";
      title = "This code isn't recognised";
      lines = ["Check that you scanned a Callboard poster, or ask your coordinator."];
      break;
    case "rotated_code":
      tone = "bad";
      title = "This poster is out of date";
      lines = [`The code for ${where} has changed. Scan the new poster, or ask your coordinator.`];
      break;
    case "no_session":
      tone = "bad";
      title = "This phone isn't set up yet";
      lines = ["Open your personal link first, then scan the poster again."];
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
