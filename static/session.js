// Who is on this phone: the device session behind the cookie.
import { get, Offline } from "./api.js";
import { setZone } from "./ui.js";

/** Who is on this phone: {person, production} or null (no session), cached for offline. */
export async function whoAmI() {
  try {
    const res = await get("/api/me");
    if (res.status !== 200) return { me: null, reason: res.data && res.data.error };
    setZone(res.data.production && res.data.production.timezone);
    setBrand(res.data);
    return { me: res.data, cached: res.cached };
  } catch (err) {
    if (err instanceof Offline) return { me: null, reason: "offline" };
    throw err;
  }
}

function setBrand(me) {
  const name = me && me.production && me.production.name;
  document.getElementById("brand-name").textContent = name || "Callboard";
  document.getElementById("who").textContent = me ? me.person.name : "";
  if (name) document.title = `${name} · Callboard`;
}
