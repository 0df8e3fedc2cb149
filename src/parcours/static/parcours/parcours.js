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

/* A timeline wider than the screen opens on its most recent years; one scrolls back in time. */
document.querySelectorAll("[data-scroll-to-end]").forEach((box) => {
  box.scrollLeft = box.scrollWidth;
});

/* On a phone the menu folds behind its button (without script it stays open). */
(() => {
  const toggle = document.querySelector("[data-menu-toggle]");
  if (!toggle) return;
  const nav = toggle.closest("nav");
  const set = (open) => {
    nav.classList.toggle("collapsed", !open);
    toggle.setAttribute("aria-expanded", String(open));
  };
  set(false);
  toggle.addEventListener("click", () => set(nav.classList.contains("collapsed")));
})();

/* A form's error summary takes the focus when the page opens (a screen reader reads it out),
   and each of its links takes the focus to its field. */
(() => {
  const focusSummary = (root) => {
    const summary = root.querySelector && root.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  };
  focusSummary(document);
  document.addEventListener("htmx:afterSettle", (event) => focusSummary(event.detail.elt));
  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-error-summary] a[href^='#']");
    const target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    // A question of a sheet is a block: its first input takes the focus.
    const field = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
    event.preventDefault();
    target.scrollIntoView({ block: "center" });
    if (field) field.focus();
  });
})();

/* Nothing typed is lost without a word. A date the browser cannot read (31/02/2024) is sent
   as empty, which would save no date at all: a form holding one is not sent (nor saved as a
   draft), and the field says why. A text longer than its limit is counted as one types and
   the form is not sent until it is shortened (the server refuses it too). */
(() => {
  // Numbers grouped as the server writes them in this language (4.000, 4 000).
  const count = (n, separator) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, separator);

  const note = (field, key, text) => {
    let small = field.parentElement.querySelector(`small[data-client-error="${key}"]`);
    if (!text) {
      if (small) small.remove();
      if (!field.parentElement.querySelector("small[data-client-error]")) field.removeAttribute("aria-invalid");
      return;
    }
    if (!small) {
      small = document.createElement("small");
      small.className = "error";
      small.dataset.clientError = key;
      small.id = `${field.id || field.name}-${key}`;
      small.setAttribute("role", "alert");
      field.insertAdjacentElement("afterend", small);
    }
    small.textContent = text;
    field.setAttribute("aria-invalid", "true");
    const described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!described.includes(small.id)) field.setAttribute("aria-describedby", [...described, small.id].join(" "));
  };

  const unreadableDates = (form) =>
    Array.from(form.querySelectorAll("input[type=date]")).filter((el) => el.validity.badInput);
  const tooLong = (form) =>
    Array.from(form.querySelectorAll("[data-limit]")).filter((el) => el.value.length > Number(el.dataset.limit));

  const showCount = (field) => {
    const counter = document.querySelector(`[data-counter-for="${field.id}"]`);
    if (!counter) return;
    const limit = Number(field.dataset.limit);
    const over = field.value.length - limit;
    const sep = counter.dataset.separator;
    counter.textContent = over > 0 ? counter.dataset.over.replace("{n}", count(over, sep)) : `${count(field.value.length, sep)} / ${count(limit, sep)}`;
    counter.classList.toggle("error", over > 0);
    if (over > 0) field.setAttribute("aria-invalid", "true");
    else if (!field.parentElement.querySelector("small[data-client-error]")) field.removeAttribute("aria-invalid");
  };

  // Refuses a form holding an unreadable date or a text over its limit; true when refused.
  const refuse = (form) => {
    const dates = unreadableDates(form);
    dates.forEach((el) => note(el, "date", document.body.dataset.badDate));
    const long = tooLong(form);
    long.forEach(showCount);
    const first = dates[0] || long[0];
    if (first) first.focus();
    return Boolean(first);
  };

  document.addEventListener("submit", (event) => {
    if (refuse(event.target)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // A sheet saves itself on change: not while a date cannot be read, or it would save none.
  document.addEventListener("htmx:confirm", (event) => {
    const form = event.detail.elt.closest("form") || event.detail.elt;
    if (form.tagName === "FORM" && unreadableDates(form).length) {
      event.preventDefault();
      refuse(form);
    }
  });
  document.addEventListener("input", (event) => {
    const field = event.target;
    if (field.matches && field.matches("input[type=date]") && !field.validity.badInput) note(field, "date", "");
    if (field.dataset && field.dataset.limit) showCount(field);
  });
  document.addEventListener("change", (event) => {
    const field = event.target;
    if (field.matches && field.matches("input[type=date]")) note(field, "date", field.validity.badInput ? document.body.dataset.badDate : "");
  }, true);
  const wire = (root) => root.querySelectorAll("[data-limit]").forEach((field) => {
    const counter = document.querySelector(`[data-counter-for="${field.id}"]`);
    if (counter && !(field.getAttribute("aria-describedby") || "").includes(counter.id)) {
      field.setAttribute("aria-describedby", `${field.getAttribute("aria-describedby") || ""} ${counter.id}`.trim());
    }
    if (field.value) showCount(field);
  });
  wire(document);
  document.addEventListener("htmx:afterSettle", (event) => wire(event.detail.elt));
})();

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

/* A link to a folded section of a page (the family page's #consent after a consent is
   recorded) opens it, which reads its body. */
(() => {
  const open = () => {
    const id = decodeURIComponent(location.hash.slice(1));
    const box = id && document.getElementById(id);
    if (box && box.matches("details.section") && !box.open) box.open = true;
  };
  // After htmx has wired the page (its own listener was added first).
  document.addEventListener("DOMContentLoaded", open);
  window.addEventListener("hashchange", open);
})();
