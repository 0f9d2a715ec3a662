// Callboard crew and vendor app: router, session, offline outbox triggers.
import "./outbox.js";
import { show, notice, link, whenSent, sentTo } from "./ui.js";
import { whoAmI } from "./session.js";
import { homePage } from "./home.js";
import { checkinPage } from "./checkin.js";
import { onboardPage } from "./onboard.js";

const outbox = globalThis.CallboardOutbox;

async function route() {
  whenSent(null);
  const path = location.pathname;
  let m;
  try {
    if ((m = /^\/p\/([^/]+)\/?$/.exec(path))) return await onboardPage(decodeURIComponent(m[1]));
    if ((m = /^\/l\/([^/]+)\/?$/.exec(path))) return await checkinPage(decodeURIComponent(m[1]));
    if ((m = /^\/sheet\/([^/]+)\/([^/]+)\/?$/.exec(path))) {
      const { sheetPage } = await import("./sheet.js");
      await whoAmI();
      return await sheetPage(decodeURIComponent(m[1]), decodeURIComponent(m[2]));
    }
    if ((m = /^\/([es])\/([^/]+)\/?$/.exec(path))) {
      const { unitPage, stagePage } = await import("./equipment.js");
      const code = decodeURIComponent(m[2]);
      return await (m[1] === "e" ? unitPage(code) : stagePage(code));
    }
    if ((m = /^\/contracts(?:\/(\d+))?\/?$/.exec(path))) {
      const { contractsPage } = await import("./contracts.js");
      return await contractsPage(m[1] ? Number(m[1]) : null);
    }
    if (path === "/" || path === "/index.html") {
      const who = await whoAmI();
      if (who.me && who.me.person.kind === "vendor_contact") {
        const { contractsPage } = await import("./contracts.js");
        return await contractsPage(null, who);
      }
      return await homePage(who);
    }
    show(notice("", "Page not found", ["There is nothing at this address."], link("Home", "/")));
  } catch (err) {
    show(
      notice("bad", "Something went wrong", [
        "The app hit a problem showing this page. Try again in a moment.",
        String(err && err.message ? err.message : err),
      ]),
    );
  }
}

// A phone taken out of a pocket shows what changed meanwhile: Home reloads its data when it
// comes back into view and every few minutes while open (re-drawn only if something changed).
const REFRESH_MS = 120000;

async function refreshHome() {
  if (location.pathname !== "/" || document.visibilityState !== "visible") return;
  const active = document.activeElement;
  if (active && active.tagName === "INPUT" && active.value) return; // mid-search: leave it
  try {
    const who = await whoAmI();
    if (who.me && who.me.person.kind !== "vendor_contact") await homePage(who, true);
  } catch {
    // A failed background refresh changes nothing on screen.
  }
}

// --- offline status and the outbox ----------------------------------------------------------

async function status() {
  const net = document.getElementById("net");
  let waiting = 0;
  try {
    waiting = (await outbox.all()).length;
  } catch {
    waiting = 0;
  }
  const parts = [];
  if (!navigator.onLine) parts.push("Offline");
  if (waiting) parts.push(`${waiting} waiting to send`);
  net.textContent = parts.join(" · ");
  net.hidden = parts.length === 0;
  return waiting;
}

async function flush() {
  try {
    const sent = await outbox.flush();
    if (sent.length) sentTo(sent);
  } catch {
    // IndexedDB unavailable (private mode on some browsers): nothing was queued either.
  }
  status();
}

function onOutbox(message) {
  if (!message) return;
  if (message.type === "outbox-sent") sentTo(message.sent);
  status();
}

function start() {
  window.addEventListener("popstate", route);
  document.addEventListener("click", (event) => {
    const a = event.target.closest && event.target.closest("a[href]");
    if (!a || a.target || a.hasAttribute("download") || event.metaKey || event.ctrlKey) return;
    const url = new URL(a.href);
    if (url.origin !== location.origin || !/^\/(?:$|contracts|sheet\/)/.test(url.pathname)) return;
    event.preventDefault();
    history.pushState(null, "", url.pathname);
    route();
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", status);
  window.addEventListener("callboard-outbox", (event) => onOutbox(event.detail));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      flush();
      refreshHome();
    }
  });
  setInterval(refreshHome, REFRESH_MS);
  setInterval(async () => {
    if ((await status()) > 0) flush();
  }, 20000);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => onOutbox(event.data));
    navigator.serviceWorker.register("/sw.js").catch(() => {
      // No service worker (private mode, old browser): the app works online only.
    });
  }
  route().then(flush);
}

start();
