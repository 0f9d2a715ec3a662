// A published call sheet (/sheet/DATE/UNIT), the crew list grouped by department and
// searchable, and map links that open the phone's own maps app.
import { get, Offline } from "./api.js";
import { h, show, notice, link, safeUrl, wallDay, wallTime, momentDayTime } from "./ui.js";

export function sheetPath(date, unit) {
  return `/sheet/${encodeURIComponent(date)}/${encodeURIComponent(unit)}`;
}

export function sheetApi(date, unit) {
  return `/api/callsheets/${encodeURIComponent(date)}/${encodeURIComponent(unit)}`;
}

/** Fetch each listed sheet once so the phone keeps it for offline reading (tomorrow's too). */
export function keepSheets(sheets) {
  for (const s of sheets || []) get(sheetApi(s.date, s.unit)).catch(() => {});
}

export async function sheetPage(date, unit) {
  let res;
  try {
    res = await get(sheetApi(date, unit));
  } catch (err) {
    if (!(err instanceof Offline)) throw err;
    return show(
      notice("warn", "You're offline", [
        "This call sheet was not saved on this phone. Connect once to keep it for offline reading.",
      ], link("Back to my calls", "/", "btn secondary")),
    );
  }
  if (res.status === 401) return show(notice("bad", "This phone isn't set up yet", ["Open your personal link first."]));
  if (res.status !== 200) {
    return show(
      notice("", "No call sheet here", [(res.data && res.data.message) || "Nothing is published for that day."],
        link("Back to my calls", "/", "btn secondary")),
    );
  }
  const s = res.data;
  show(
    res.cached ? h("p", { class: "banner warn", role: "status" }, "You're offline. Showing the saved call sheet.") : null,
    h("p", { class: "back" }, link("‹ Back to my calls", "/", "")),
    h(
      "section",
      { class: "card sheet-page" },
      h("p", { class: "kicker" }, `${s.production} · ${s.unit} unit · Day ${s.day_number} of ${s.day_count}`),
      h("h1", null, `Call sheet, ${wallDay(s.date)}`),
      h("p", { class: "muted" }, `Version ${s.version}, published ${momentDayTime(s.published_at)}`),
      s.my_call_at
        ? h("p", { class: "my-call" }, "Your call ", h("b", null, wallTime(s.my_call_at)))
        : h("p", { class: "my-call muted" }, "You are not on this version of the sheet."),
      h("p", null, `General crew call ${wallTime(s.call_at)} · estimated wrap ${wallTime(s.wrap_at)}`),
      placeDetails(s.location),
      facts([
        ["Meals", s.meals],
        ["Scenes", s.scenes],
        ["Notes", s.notes],
        ["Safety", s.safety_notes],
        [
          "Next day",
          s.advance
            ? `${wallDay(s.advance.date)} · call ${wallTime(s.advance.call_at)} · ${s.advance.location}` +
              (s.advance.scenes ? ` · Scenes ${s.advance.scenes}` : "")
            : "",
        ],
      ]),
      contacts(s.contacts),
    ),
    crewList(
      s.departments.map((d) => ({
        name: d.name,
        walkie: d.walkie,
        people: d.people.map((p) => ({ name: p.name, role: p.role, call_at: p.call_at, me: p.me })),
      })),
      "Cast and crew",
    ),
  );
}

function facts(rows) {
  const shown = rows.filter(([, value]) => value);
  if (!shown.length) return null;
  return h(
    "dl",
    { class: "facts" },
    shown.map(([label, value]) => [h("dt", null, label), h("dd", null, value)]),
  );
}

function placeDetails(loc) {
  if (!loc) return h("p", { class: "where muted" }, "Location to be confirmed");
  return h(
    "div",
    { class: "where" },
    h("p", { class: "loc" }, loc.name),
    loc.address ? h("p", { class: "address" }, loc.address) : null,
    mapLink(loc),
    facts([
      ["Parking", loc.parking],
      ["Base camp", loc.base_camp],
      ["Hospital", loc.hospital],
      ["Sun", loc.sunrise && loc.sunset ? `rises ${loc.sunrise}, sets ${loc.sunset}` : ""],
    ]),
  );
}

function contacts(list) {
  if (!list || !list.length) return null;
  return h(
    "div",
    { class: "contacts" },
    h("h2", null, "Production contacts"),
    h(
      "ul",
      null,
      list.map((c) =>
        h(
          "li",
          null,
          h("span", null, c.label),
          c.phone ? h("a", { href: `tel:${c.phone.replace(/[^\d+]/g, "")}` }, `Call ${c.phone}`) : null,
          c.email ? h("a", { href: `mailto:${c.email}` }, `Email ${c.email}`) : null,
        ),
      ),
    ),
  );
}

/** A map link for the phone's own app: geo: on Android, Apple Maps on iOS, else the web map. */
export function mapLink(loc) {
  if (!loc) return null;
  const href = mapHref(loc);
  if (!href) return null;
  const external = href.startsWith("http");
  return h(
    "a",
    { class: "map", href, target: external ? "_blank" : null, rel: external ? "noopener noreferrer" : null },
    `Open ${loc.name} in maps`,
  );
}

function mapHref(loc) {
  const hasPoint = typeof loc.lat === "number" && typeof loc.lon === "number";
  const ua = navigator.userAgent || "";
  if (hasPoint && /Android/i.test(ua)) {
    return `geo:${loc.lat},${loc.lon}?q=${loc.lat},${loc.lon}(${encodeURIComponent(loc.name)})`;
  }
  if (/iPhone|iPad|iPod/i.test(ua)) {
    const where = hasPoint ? `ll=${loc.lat},${loc.lon}&q=${encodeURIComponent(loc.name)}` : `q=${encodeURIComponent(loc.address || loc.name)}`;
    return `https://maps.apple.com/?${where}`;
  }
  return safeUrl(loc.map_url);
}

// --- the crew list --------------------------------------------------------------------------

/**
 * Departments with their people, each a collapsible group, and one search box over names,
 * roles and departments. Big crews start collapsed (a thousand rows is a scroll, not a list).
 * groups: [{name, walkie, people: [{name, role, call_at, me}]}]; my own group is always open.
 */
export function crewList(groups, title, openUpTo = 60) {
  const total = groups.reduce((n, g) => n + g.people.length, 0);
  const open = total <= openUpTo;
  const count = h("p", { class: "muted count", role: "status" }, `${total} people`);
  const sections = groups.map((g) => {
    const items = g.people.map((p) =>
      h(
        "li",
        { class: p.me ? "me" : null, "data-find": `${p.name} ${p.role} ${g.name}`.toLowerCase() },
        h("span", { class: "t" }, wallTime(p.call_at)),
        h("span", { class: "n" }, h("b", null, p.name, p.me ? " (you)" : ""), h("small", null, p.role)),
      ),
    );
    const mine = g.people.some((p) => p.me);
    return h(
      "details",
      { class: "dept", open: open || mine },
      h(
        "summary",
        null,
        h("span", { class: "dept-name" }, g.name),
        h("span", { class: "muted" }, ` ${g.people.length}${g.walkie ? ` · walkie ch. ${g.walkie}` : ""}`),
      ),
      h("ul", { class: "crew" }, items),
    );
  });
  const search = h("input", {
    type: "search",
    class: "find",
    placeholder: "Find a name, role or department",
    "aria-label": "Find a name, role or department",
    autocomplete: "off",
  });
  search.addEventListener("input", () => filter(search.value, sections, count, total, open));
  return h(
    "section",
    { class: "card crew-list", "aria-label": title },
    h("h2", null, title),
    search,
    count,
    sections,
  );
}

function filter(text, sections, count, total, open) {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const section of sections) {
    let inSection = 0;
    for (const li of section.querySelectorAll("li")) {
      const hit = words.every((w) => li.dataset.find.includes(w));
      li.hidden = !hit;
      if (hit) inSection += 1;
    }
    section.hidden = inSection === 0;
    section.open = words.length ? inSection > 0 : open || section.querySelector("li.me") !== null;
    shown += inSection;
  }
  count.textContent = words.length ? `${shown} of ${total} people` : `${total} people`;
}
