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
  // Take the secret out of the address bar and history at once.
  history.replaceState(null, "", "/");
  show(h("section", { class: "panel" }, h("h1", null, "Setting up this phone…")));
  let res;
  try {
    res = await post("/api/session", { token });
  } catch (err) {
    if (!(err instanceof Offline)) throw err;
    return show(
      notice(
        "warn",
        "You're offline",
        ["Setting up needs a connection, once. Connect to the internet and try again."],
        button("Try again", () => onboardPage(token)),
      ),
    );
  }
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
