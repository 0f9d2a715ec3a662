// My paperwork (each required document, its state, what is left). Loaded by the home and
// contracts pages.
import { get, Offline } from "./api.js";
import { h } from "./ui.js";

export async function load(path) {
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
