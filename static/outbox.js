// The outbox: check-ins and acknowledgements that could not reach the server yet, kept in
// IndexedDB until the server has answered them.
//
// One file for both sides: the page loads it as a module (import "./outbox.js") and the service
// worker with importScripts(). So it has no import/export and sets globalThis.CallboardOutbox.
//
// An item leaves the outbox only after the server answered it: any 2xx, or a 4xx that will never
// change (malformed, forbidden, not found...). Network errors, timeouts, 5xx, 429 and 401 (this
// phone has no session yet: opening the personal link fixes it) keep it for the next flush.
(function (scope) {
  "use strict";
  if (scope.CallboardOutbox) return;
  var DB_NAME = "callboard";
  var STORE = "outbox";
  var opening = null;

  function open() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () {
          req.result.createObjectStore(STORE, { keyPath: "nonce" });
        };
        req.onsuccess = function () {
          var db = req.result;
          db.onversionchange = function () {
            db.close();
            opening = null;
          };
          resolve(db);
        };
        req.onerror = function () {
          opening = null;
          reject(req.error);
        };
      });
    }
    return opening;
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var req = work(tx.objectStore(STORE));
        tx.oncomplete = function () {
          resolve(req ? req.result : undefined);
        };
        tx.onerror = tx.onabort = function () {
          reject(tx.error);
        };
      });
    });
  }

  /** Queue a POST. `body` must carry its nonce, client_at and queued: true. */
  function add(kind, url, body, meta) {
    var item = { nonce: body.nonce, kind: kind, url: url, body: body, meta: meta || {} };
    item.created = Date.now();
    return run("readwrite", function (store) {
      return store.put(item);
    }).then(function () {
      announce({ type: "outbox-changed" });
      return item;
    });
  }

  function all() {
    return run("readonly", function (store) {
      return store.getAll();
    }).then(function (items) {
      return items.sort(function (a, b) {
        return a.created - b.created;
      });
    });
  }

  function remove(nonce) {
    return run("readwrite", function (store) {
      return store.delete(nonce);
    });
  }

  function isFinal(status) {
    if (status >= 200 && status < 300) return true;
    return status >= 400 && status < 500 && [401, 408, 425, 429].indexOf(status) < 0;
  }

  var flushing = null;

  /** Send what is waiting, oldest first. Resolves to [{item, status, answer}] sent this time. */
  function flush() {
    if (!flushing) {
      var locks = scope.navigator && scope.navigator.locks;
      var work = locks
        ? locks.request("callboard-outbox", send)
        : send();
      flushing = work.finally(function () {
        flushing = null;
      });
    }
    return flushing;
  }

  async function send() {
    var items = await all();
    var sent = [];
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      var res;
      try {
        res = await fetch(item.url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(item.body),
          signal: AbortSignal.timeout ? AbortSignal.timeout(15000) : undefined,
        });
      } catch (err) {
        break; // offline or timed out: keep everything for later
      }
      if (!isFinal(res.status)) {
        if (res.status === 429 || res.status >= 500) break;
        continue;
      }
      var answer = null;
      try {
        answer = await res.json();
      } catch (err) {
        answer = null;
      }
      await remove(item.nonce);
      sent.push({ item: item, status: res.status, answer: answer });
    }
    if (sent.length) announce({ type: "outbox-sent", sent: sent });
    return sent;
  }

  /** Tell every open page (from the worker) or this page (from the page) what changed. */
  function announce(message) {
    if (scope.clients && scope.clients.matchAll) {
      scope.clients.matchAll({ includeUncontrolled: true }).then(function (list) {
        list.forEach(function (client) {
          client.postMessage(message);
        });
      });
    } else if (scope.dispatchEvent && scope.CustomEvent) {
      scope.dispatchEvent(new CustomEvent("callboard-outbox", { detail: message }));
    }
  }

  scope.CallboardOutbox = { add: add, all: all, remove: remove, flush: flush, isFinal: isFinal };
})(globalThis);
