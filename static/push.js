// "Notify me": web push for this phone. The person taps, the browser asks for permission, the
// phone subscribes with the production's VAPID public key and the server keeps the
// subscription; changes and call sheets then arrive as notifications (sw.js shows them).
import { get, post, Offline } from "./api.js";
import { h, button } from "./ui.js";

/** iPhones and iPads (iPadOS reports itself as a Mac with touch). */
function onIos() {
  return (
    /iPad|iPhone|iPod/.test(navigator.userAgent) ||
    (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1)
  );
}

function standalone() {
  return navigator.standalone === true || matchMedia("(display-mode: standalone)").matches;
}

function supported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

/** The base64url applicationServerKey as the bytes PushManager.subscribe wants. */
export function keyBytes(text) {
  const padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** The section on the home page: a button, or why notifications cannot be had here. */
export function notifySection() {
  const line = h("p", { class: "muted", id: "notify-state" });
  const section = h(
    "section",
    { class: "calendar", id: "notify", "aria-labelledby": "notify-h" },
    h("h2", { id: "notify-h" }, "Notifications"),
    line,
  );
  const say = (text, ...extra) => {
    line.textContent = text;
    section.replaceChildren(section.firstChild, line, ...extra);
  };
  if (onIos() && !standalone()) {
    say(
      "On iPhone and iPad, notifications need Callboard on your Home Screen: tap Share, then " +
        "“Add to Home Screen”, and open it from there.",
    );
    return section;
  }
  if (!supported()) {
    say("This browser cannot show notifications from Callboard; changes still come by email.");
    return section;
  }
  current().then((subscription) => {
    if (subscription && Notification.permission === "granted") {
      say("Notifications are on for this phone.");
    } else if (Notification.permission === "denied") {
      say("Notifications are blocked for Callboard in this browser's settings.");
    } else {
      say(
        "Get changes and call sheets on this phone as they happen.",
        button("Notify me", () => turnOn(say), "btn secondary"),
      );
    }
  });
  return section;
}

async function current() {
  try {
    const registration = await navigator.serviceWorker.ready;
    return await registration.pushManager.getSubscription();
  } catch {
    return null;
  }
}

async function turnOn(say) {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    return say("Notifications were not allowed, so none will come to this phone.");
  }
  try {
    const key = await get("/api/push/key");
    if (key.status !== 200) throw new Error(key.data && key.data.message);
    const registration = await navigator.serviceWorker.ready;
    const subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(key.data.public_key),
    });
    const res = await post("/api/push/subscriptions", subscription.toJSON());
    if (res.status !== 201) throw new Error(res.data && res.data.message);
    say("Notifications are on for this phone.");
  } catch (err) {
    const why = err instanceof Offline ? "You're offline." : String((err && err.message) || err);
    say(`Couldn't turn notifications on: ${why}`, button("Try again", () => turnOn(say), "btn"));
  }
}
