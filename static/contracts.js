// Vendor contracts: the list, one contract with its document and SHA-256, confirm signed, upload.
// Loaded only when needed, so the crew page stays small.
import { get, post, upload, Offline } from "./api.js";
import { h, show, notice, link, bytes, momentDayTime } from "./ui.js";
import { whoAmI } from "./session.js";
import { paperworkSection } from "./paperwork.js";
import { bookingsSection } from "./bookings.js";

const MAX_UPLOAD = 10 * 1024 * 1024;
const UPLOAD_TYPES = ["application/pdf", "image/jpeg", "image/png"];
const STATUS = {
  draft: ["Draft", "muted"],
  sent: ["Waiting for you", "warn"],
  viewed: ["Waiting for you", "warn"],
  signed: ["Signed", "good"],
  countersigned: ["Complete", "good"],
  void: ["Void", "bad"],
  declined: ["Declined", "bad"],
};

export async function contractsPage(id, who) {
  who = who || (await whoAmI());
  if (!who.me) {
    const offline = who.reason === "offline";
    return show(
      notice(offline ? "warn" : "", offline ? "You're offline" : "Open your personal link", [
        offline
          ? "Connect to the internet to see your contracts."
          : "To see your contracts on this phone, open the personal link your coordinator sent you.",
      ]),
    );
  }
  return id == null ? list(who.me) : detail(id);
}

function badge(status) {
  const [label, tone] = STATUS[status] || [status, "muted"];
  return h("span", { class: `badge ${tone}` }, label);
}

async function load(path) {
  try {
    return await get(path);
  } catch (err) {
    if (!(err instanceof Offline)) throw err;
    return { status: 0, data: { message: "You're offline. Connect and try again." } };
  }
}

async function list(me) {
  const res = await load("/api/contracts");
  if (res.status !== 200) return show(notice("bad", "Couldn't load contracts", [res.data && res.data.message]));
  const contracts = res.data;
  const vendor = me.person.kind === "vendor_contact";
  // A vendor's contact lands here: their notices (a booking moved) and bookings come first.
  const [changes, bookings, papers] = await Promise.all([
    vendor ? vendorNotices(me) : null,
    vendor ? bookingsSection() : null,
    paperworkSection(),
  ]);
  show(
    changes,
    bookings,
    h(
      "section",
      { "aria-labelledby": "contracts-h" },
      h("h1", { id: "contracts-h" }, "Your contracts"),
      me.person.vendor_name ? h("p", { class: "muted" }, `For ${me.person.vendor_name}`) : null,
      contracts.length
        ? h(
            "ul",
            { class: "contracts" },
            contracts.map((c) =>
              h(
                "li",
                null,
                h(
                  "a",
                  { class: "card contract-row", href: `/contracts/${c.id}` },
                  h("span", { class: "title" }, c.title),
                  h("span", { class: "kind" }, c.kind),
                  badge(c.status),
                ),
              ),
            ),
          )
        : h("p", { class: "empty" }, "No contracts for you yet."),
    ),
    papers,
  );
}

async function vendorNotices(me) {
  const res = await load("/api/home");
  if (res.status !== 200 || !res.data.notices.length) return null;
  const { noticesSection } = await import("./home.js");
  return noticesSection(res.data.notices, new Set(), me.person.id, "bookings");
}

async function detail(id) {
  const res = await load(`/api/contracts/${id}`);
  if (res.status !== 200) {
    return show(
      notice("bad", "Couldn't open this contract", [res.data && res.data.message]),
      h("p", { class: "center" }, link("All contracts", "/contracts")),
    );
  }
  render(res.data);
  if (res.data.status === "sent") await markViewed(res.data.id);
}

/** Tell the coordinator this contract was opened; offline, it simply waits for next time. */
async function markViewed(id) {
  try {
    const seen = await post(`/api/contracts/${id}/viewed`, {});
    // Only the status badge changes: re-rendering would wipe a name being typed or a file chosen.
    const shown = document.querySelector(".card.contract .badge");
    if (seen.status === 200 && shown) shown.replaceWith(badge(seen.data.status));
  } catch (error) {
    if (!(error instanceof Offline)) throw error;
  }
}

function render(c) {
  const doc = c.document;
  const base = `/api/contracts/${c.id}/document`;
  show(
    h("p", { class: "back" }, h("a", { href: "/contracts" }, "‹ All contracts")),
    h(
      "section",
      { class: "card contract" },
      h("p", { class: "kicker" }, c.kind),
      h("h1", null, c.title),
      badge(c.status),
      doc
        ? h(
            "div",
            { class: "doc" },
            h("p", { class: "file" }, doc.filename, h("small", null, ` · ${bytes(doc.size)}`)),
            h(
              "div",
              { class: "actions" },
              h("a", { class: "btn secondary", href: base, target: "_blank", rel: "noopener" }, "View"),
              h("a", { class: "btn secondary", href: `${base}?download=1`, download: doc.filename }, "Download"),
            ),
            h("p", { class: "label" }, "Document fingerprint (SHA-256)"),
            h("p", { class: "sha", "data-sha256": doc.sha256 }, doc.sha256.match(/.{1,8}/g).join(" ")),
          )
        : h("p", { class: "muted" }, "The document isn't attached yet."),
    ),
    signing(c),
    declining(c),
    ["void", "declined"].includes(c.status) || !doc ? null : signedCopy(c),
  );
}

/** Say no, with a reason the coordinator reads; they send a corrected contract. */
function declining(c) {
  if (c.status === "declined") {
    return notice("bad", "You declined this contract", [
      `Your reason: ${c.decline_reason || ""}`,
      "The production will send you a corrected one.",
    ]);
  }
  if (!c.document || !["sent", "viewed"].includes(c.status)) return null;
  const reason = h("textarea", { id: "decline-reason", name: "reason", rows: 3, maxlength: 1000, required: true });
  const error = h("p", { class: "error", role: "alert" });
  const submit = h("button", { type: "submit", class: "btn secondary" }, "Decline");
  const form = h(
    "form",
    { class: "card decline", novalidate: true },
    h("h2", null, "Something wrong?"),
    h("label", { for: "decline-reason" }, "Tell the production what needs correcting"),
    reason,
    error,
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!reason.value.trim()) return fail(error, reason, "Say what is wrong, so it can be corrected.");
    submit.disabled = true;
    let res;
    try {
      res = await post(`/api/contracts/${c.id}/decline`, { reason: reason.value.trim() });
    } catch (err) {
      if (!(err instanceof Offline)) throw err;
      res = { status: 0, data: { message: "You're offline. Nothing was sent; try again when connected." } };
    }
    if (res.status === 200) return render(res.data);
    submit.disabled = false;
    const data = res.data || {};
    if (data.error === "contract_already" || data.error === "contract_illegal_transition") return detail(c.id);
    fail(error, reason, data.message || `Error ${res.status}`);
  });
  return form;
}

function signing(c) {
  if (c.signed_at) {
    return notice("good", "Signed", [
      `Confirmed by ${c.signed_name} on ${momentDayTime(c.signed_at)}.`,
      c.countersigned_at
        ? `Countersigned by the production on ${momentDayTime(c.countersigned_at)}.`
        : "The production will countersign it.",
    ]);
  }
  if (c.status === "void") return notice("bad", "This contract was voided", ["Nothing to sign."]);
  if (c.status === "declined") return null;
  if (!c.document || !["sent", "viewed"].includes(c.status)) return null;
  const name = h("input", {
    id: "full-name",
    name: "full_name",
    type: "text",
    autocomplete: "name",
    required: true,
    maxlength: 200,
  });
  const agree = h("input", { id: "agree", name: "agree", type: "checkbox", required: true });
  const error = h("p", { class: "error", role: "alert" });
  const submit = h("button", { type: "submit", class: "btn big" }, "Confirm signed");
  const form = h(
    "form",
    { class: "card sign", novalidate: true },
    h("h2", null, "Confirm you signed it"),
    h("label", { for: "full-name" }, "Your full name"),
    name,
    h(
      "label",
      { class: "check", for: "agree" },
      agree,
      h("span", null, "I have signed this contract and agree to its terms, as in the document with the fingerprint above."),
    ),
    error,
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!name.value.trim()) return fail(error, name, "Type your full name.");
    if (!agree.checked) return fail(error, agree, "Tick the box to confirm you agree.");
    submit.disabled = true;
    submit.textContent = "Sending…";
    let res;
    try {
      res = await post(`/api/contracts/${c.id}/sign`, {
        full_name: name.value.trim(),
        agree: true,
        sha256: c.document.sha256,
      });
    } catch (err) {
      if (!(err instanceof Offline)) throw err;
      res = { status: 0, data: { message: "You're offline. Nothing was sent; try again when connected." } };
    }
    if (res.status === 200) return render(res.data);
    submit.disabled = false;
    submit.textContent = "Confirm signed";
    const data = res.data || {};
    if (data.error === "contract_already" || data.error === "contract_illegal_transition") {
      return detail(c.id);
    }
    fail(error, data.field === "agree" ? agree : name, data.message || `Error ${res.status}`);
    if (data.error === "contract_document_changed") {
      error.append(" ", h("button", { type: "button", class: "btn secondary", onclick: () => detail(c.id) }, "Reload"));
    }
  });
  return form;
}

function fail(error, field, text) {
  error.textContent = text;
  field.focus();
}

function signedCopy(c) {
  const input = h("input", {
    id: "signed-file",
    type: "file",
    accept: "application/pdf,image/jpeg,image/png",
    class: "file-input",
  });
  const state = h("p", { class: "state", role: "status" }, c.has_signed_copy ? "A signed copy is on file." : "");
  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    if (!UPLOAD_TYPES.includes(file.type)) {
      state.textContent = "Choose a PDF, JPEG or PNG file.";
      return;
    }
    if (file.size > MAX_UPLOAD) {
      state.textContent = `That file is ${bytes(file.size)}; the limit is 10 MB.`;
      return;
    }
    const form = new FormData();
    form.append("file", file, file.name);
    state.textContent = "Uploading…";
    let res;
    try {
      res = await upload(`/api/contracts/${c.id}/signed-copy`, form);
    } catch (err) {
      if (!(err instanceof Offline)) throw err;
      state.textContent = "You're offline. Nothing was sent; try again when connected.";
      return;
    }
    if (res.status === 200) {
      render(res.data);
      document.querySelector(".upload .state").textContent = "Thank you: your signed copy is uploaded.";
      return;
    }
    state.textContent = (res.data && res.data.message) || `Upload failed (error ${res.status}).`;
  });
  return h(
    "section",
    { class: "card upload" },
    h("h2", null, "Signed copy"),
    h("p", { class: "muted" }, "Upload a scan or photo of the signed pages (PDF, JPEG or PNG, up to 10 MB)."),
    h("label", { class: "btn secondary", for: "signed-file" }, c.has_signed_copy ? "Replace signed copy" : "Upload signed copy"),
    input,
    state,
  );
}
