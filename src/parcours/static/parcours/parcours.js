/* Parcours: small behaviours wired from data attributes (no inline handlers: see the CSP). */
"use strict";
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-submit-on-change]");
  if (field && field.form) field.form.requestSubmit();
});
document.addEventListener("click", (event) => {
  const field = event.target.closest("[data-select-on-click]");
  if (field) field.select();
});
/* A block added by htmx (another member) takes the focus to its first field; its status
   line has already told a screen reader what was added. */
document.addEventListener("htmx:afterSettle", () => {
  document.querySelectorAll("[data-focus-first]").forEach((block) => {
    block.removeAttribute("data-focus-first");
    const first = block.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  });
});

/* The session's idle limit, seen from the page: typing keeps it alive, a minute before it
   ends a dialog offers to stay, and what was typed but not saved is kept in this tab
   (sessionStorage, for the same person only) and put back after signing in again. */
(() => {
  const body = document.body;
  const STASH = "parcours-unsaved";
  const user = body.dataset.sessionUser || "";

  const fieldsOf = (form) =>
    Array.from(form.elements).filter(
      (el) => el.name && el.name !== "csrfmiddlewaretoken" && !["password", "file", "submit", "button", "hidden"].includes(el.type)
    );

  const stash = (path) => {
    const forms = Array.from(document.querySelectorAll("main form[method=post]"))
      .map((form) => fieldsOf(form).map((el) => [el.name, el.value, el.checked]))
      .filter((fields) => fields.some(([, value]) => value));
    if (forms.length) sessionStorage.setItem(STASH, JSON.stringify({ user, path, forms }));
  };

  const restore = () => {
    const saved = JSON.parse(sessionStorage.getItem(STASH) || "null");
    if (!saved || !user) return;
    sessionStorage.removeItem(STASH);
    if (saved.user !== user || saved.path !== location.pathname) return;
    const forms = Array.from(document.querySelectorAll("main form[method=post]"));
    let restored = false;
    saved.forms.forEach((fields) => {
      const form = forms.find((f) => fields.every(([name]) => f.elements.namedItem(name)));
      if (!form) return;
      fields.forEach(([name, value, checked]) => {
        const target = form.elements.namedItem(name);
        const els = target instanceof RadioNodeList ? Array.from(target) : [target];
        els.forEach((el) => {
          if (el.type === "checkbox" || el.type === "radio") el.checked = el.value === value ? checked : el.checked;
          else el.value = value;
        });
        restored = true;
      });
    });
    const notice = document.getElementById("restored-notice");
    if (restored && notice) {
      notice.hidden = false;
      document.querySelector("main").prepend(notice);
    }
  };

  restore();
  const idle = Number(body.dataset.sessionIdle || 0) * 1000;
  const dialog = document.getElementById("session-warning");
  if (!idle || !dialog) return;
  let deadline = 0;
  let renewed = Date.now();
  let warnTimer;
  let endTimer;

  // The server renews the session once a minute at most, and says how long it has left: the
  // page's data-session-left, then each htmx reply's X-Session-Seconds-Left header.
  const arm = (left = idle) => {
    renewed = Date.now();
    deadline = renewed + left;
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(() => dialog.open || dialog.showModal(), Math.max(left / 2, left - 60000));
    // Just after the server has forgotten the session: reloading leads to the sign-in page.
    endTimer = setTimeout(() => {
      stash(location.pathname);
      location.assign(location.href);
    }, left + 2000);
  };
  const renew = () =>
    fetch(body.dataset.keepAlive, { credentials: "same-origin", redirect: "manual" }).then((r) => {
      if (r.status === 204) arm();
    });

  dialog.querySelector("[data-keep-session]").addEventListener("click", () => {
    dialog.close();
    renew();
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const left = Number(event.detail.xhr.getResponseHeader("X-Session-Seconds-Left"));
    if (left) arm(left * 1000);
  });
  // Someone typing is at the screen: renew now and then rather than sign them out mid-sentence.
  document.addEventListener("input", () => {
    if (Date.now() < deadline && Date.now() - renewed > Math.min(300000, idle / 3)) renew();
  });
  document.addEventListener(
    "submit",
    (event) => {
      if (Date.now() > deadline && event.target.method === "post") {
        stash(new URL(event.target.action, location.href).pathname);
      }
    },
    true
  );
  arm(Number(body.dataset.sessionLeft || 0) * 1000 || idle);
})();
