// Opening a personal link (/p/TOKEN): exchange it once for this phone's session.
import { post, Offline, forgetSaved } from "./api.js";
import { h, show, notice, button, link, go } from "./ui.js";
import { whoAmI } from "./session.js";

const REFUSED = {
  link_used: [
    "This link has already been opened",
    "Each personal link works once, on one phone, and this one has been used.",
  ],
  link_revoked: [
    "This link no longer works",
    "It was replaced by a newer link or switched off by your coordinator.",
  ],
  link_expired: ["This link has expired", null], // the server says for how long links last
  link_unknown: ["This link isn't recognised", "It may be mistyped or from another production."],
};

export async function onboardPage(token) {
  show(h("section", { class: "panel" }, h("h1", null, "Setting up this phone…")));
  let res;
  try {
    res = await post("/api/session", { token });
  } catch (err) {
    if (!(err instanceof Offline)) throw err;
    // The link stays in the address bar (the page sends no referrer): reloading retries too.
    return show(
      notice(
        "warn",
        "You're offline",
        ["Setting up needs a connection, once. Connect to the internet and try again."],
        button("Try again", () => onboardPage(token)),
      ),
    );
  }
  if (res.status === 429 || res.status === 503) return waitPage(token, res.retryAfter);
  // Spent or refused for good: take the secret out of the address bar and history.
  history.replaceState(null, "", "/");
  if (res.status === 200) {
    await forgetSaved();
    await dropOthers(res.data.person.id);
    go("/", true);
    return;
  }
  const said = (res.data && res.data.message) || "The server refused it.";
  const [title, own] = REFUSED[res.data && res.data.error] || ["This link can't be used", null];
  const why = own || said;
  const who = await whoAmI().catch(() => ({ me: null }));
  show(
    notice(
      "bad",
      title,
      [why, "Ask your coordinator for a new link."],
      who.me ? link(`Continue as ${who.me.person.name}`, "/", "btn") : null,
    ),
    who.me
      ? h(
          "p",
          { class: "hint" },
          `This phone is already set up for ${who.me.person.name}; you can carry on.`,
        )
      : null,
  );
}

/**
 * Too many tries from this network just now (or the server is busy): the link is fine, so say
 * to wait, count down, then offer to try again. The link stays in the address bar meanwhile.
 */
function waitPage(token, seconds) {
  let left = Math.max(1, seconds || 5);
  const retry = button("Try again", () => onboardPage(token));
  const count = h("p", { class: "hint", "aria-live": "polite" });
  const tick = () => {
    retry.disabled = left > 0;
    count.textContent = left > 0 ? `You can try again in ${left} s.` : "You can try again now.";
    if (left-- > 0) setTimeout(tick, 1000);
  };
  show(
    notice(
      "warn",
      "Wait a moment and try again",
      [
        "Many phones on this network have just tried to set up. Your link is fine and still works.",
      ],
      retry,
    ),
    count,
  );
  tick();
}

/** Queued items of someone else (an earlier session on this phone) must never be sent as you. */
async function dropOthers(personId) {
  const outbox = globalThis.CallboardOutbox;
  try {
    for (const item of await outbox.all()) {
      if (item.meta.person_id !== personId) await outbox.remove(item.nonce);
    }
  } catch {
    // No IndexedDB: nothing was queued.
  }
}
