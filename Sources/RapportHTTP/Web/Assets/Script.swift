extension Assets {
    /// Progressive enhancement: every page works without it. With it, forms update the page in place,
    /// the global search answers as you type, deals are dragged between stages (through the JSON API),
    /// and dialogs open over the page.
    static let script = #"""
        "use strict";
        (() => {
          const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
          const lang = document.documentElement.lang === "ru" ? "ru" : "en";
          const say = (en, ru) => (lang === "ru" ? ru : en);

          function notice(text, link) {
            const box = document.getElementById("notice");
            if (!box) { window.alert(text); return; }
            box.textContent = text;
            if (link) {
              const a = document.createElement("a");
              a.href = link.href; a.textContent = link.text; a.target = "_blank"; a.rel = "noopener";
              box.append(" ", a);
            }
            box.hidden = false;
            box.scrollIntoView({ block: "nearest" });
          }
          function sessionLost() {
            notice(say("Your session has ended. What you typed is kept: sign in in a new tab, then submit again.",
                       "Сеанс завершён. Введённое сохранено: войдите в новой вкладке и отправьте ещё раз."),
                   { href: "/login", text: say("Sign in", "Войти") });
          }

          // Replaces the page's main content with the one of a fetched page.
          function swapMain(html, url, push) {
            const doc = new DOMParser().parseFromString(html, "text/html");
            const next = doc.querySelector("main");
            const main = document.querySelector("main");
            if (!next || !main) { window.location.href = url; return; }
            main.innerHTML = next.innerHTML;
            document.title = doc.title;
            document.querySelectorAll("nav a").forEach((a) => {
              const same = doc.querySelector('nav a.current[href="' + a.getAttribute("href") + '"]');
              a.classList.toggle("current", !!same);
              if (same) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
            });
            if (push && url !== window.location.href) {
          history.pushState({}, "", url);
          window.scrollTo(0, 0);
        }
            const problem = main.querySelector(".form-errors, [aria-invalid='true']");
            (problem || main).focus({ preventScroll: !problem });
            enhance(main);
          }

          async function reload() {
            const response = await fetch(window.location.href, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" });
            if (response.status === 401) { sessionLost(); return; }
            swapMain(await response.text(), window.location.href, false);
          }

          // Forms post in the background; the answer (the page a redirect leads to, or the form with its
          // errors) replaces the main content. The submit button is disabled meanwhile: no double posts.
          async function submit(form, submitter) {
            if (form.dataset.busy) return;
            const confirmText = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
            if (confirmText && !window.confirm(confirmText)) return;
            form.dataset.busy = "1";
            const buttons = form.querySelectorAll("button, input[type=submit]");
            buttons.forEach((b) => (b.disabled = true));
            try {
              const data = new FormData(form);
              if (submitter && submitter.name) data.append(submitter.name, submitter.value);
              const method = (form.getAttribute("method") || "get").toUpperCase();
              let url = form.action;
              const init = { method, headers: { "X-Requested-With": "fetch", "X-CSRF-Token": csrf() }, credentials: "same-origin" };
              if (method === "GET") { url = url.split("?")[0] + "?" + new URLSearchParams(data).toString(); }
              else { init.body = new URLSearchParams(data); }
              const response = await fetch(url, init);
              if (response.status === 401) { sessionLost(); return; }
              const html = await response.text();
              const dialog = form.closest("dialog");
              if (dialog && response.ok && !/class="form-errors"/.test(html)) {
                dialog.close();
                await reload();
                return;
              }
              if (dialog) {
                const doc = new DOMParser().parseFromString(html, "text/html");
                const next = doc.querySelector("main");
                if (next) { dialog.querySelector(".dialog-body").innerHTML = next.innerHTML; enhance(dialog); return; }
              }
              swapMain(html, response.url, method === "GET" || response.redirected);
            } catch (error) {
              notice(say("The server did not answer. Nothing was lost: try again.", "Сервер не ответил. Ничего не потеряно: попробуйте ещё раз."));
            } finally {
              delete form.dataset.busy;
              buttons.forEach((b) => (b.disabled = false));
            }
          }

          // A link with data-dialog opens the form it leads to over the current page.
          async function openDialog(href) {
            const dialog = document.getElementById("dialog");
            if (!dialog || typeof dialog.showModal !== "function") { window.location.href = href; return; }
            const response = await fetch(href, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" });
            if (response.status === 401) { sessionLost(); return; }
            const doc = new DOMParser().parseFromString(await response.text(), "text/html");
            const main = doc.querySelector("main");
            if (!main) { window.location.href = href; return; }
            dialog.querySelector(".dialog-body").innerHTML = main.innerHTML;
            const close = document.createElement("button");
            close.type = "button"; close.className = "link dialog-close"; close.textContent = say("Close", "Закрыть");
            close.addEventListener("click", () => dialog.close());
            dialog.querySelector(".dialog-body").append(close);
            const title = dialog.querySelector("h1");
            if (title) title.id = "dialog-title";
            enhance(dialog);
            dialog.showModal();
            const first = dialog.querySelector("input:not([type=hidden]), select, textarea");
            if (first) first.focus();
          }

          // Global search: results as you type, arrows to move, Escape to close.
          function liveSearch(input) {
            const box = document.getElementById(input.getAttribute("aria-controls"));
            if (!box) return;
            let timer = 0, seq = 0;
            input.addEventListener("input", () => {
              clearTimeout(timer);
              const q = input.value.trim();
              if (q.length < 2) { box.hidden = true; box.innerHTML = ""; return; }
              timer = setTimeout(async () => {
                const mine = ++seq;
                const response = await fetch(input.dataset.liveSearch + "?partial=1&q=" + encodeURIComponent(q),
                  { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" });
                if (mine !== seq) return;
                if (response.status === 401) { sessionLost(); return; }
                box.innerHTML = await response.text();
                box.hidden = false;
              }, 180);
            });
            input.addEventListener("keydown", (event) => {
              const links = [...box.querySelectorAll("a")];
              if (!links.length || box.hidden) return;
              let index = links.findIndex((a) => a.getAttribute("aria-selected") === "true");
              if (event.key === "ArrowDown" || event.key === "ArrowUp") {
                event.preventDefault();
                if (index >= 0) links[index].removeAttribute("aria-selected");
                index = event.key === "ArrowDown" ? Math.min(links.length - 1, index + 1) : Math.max(0, index - 1);
                links[index].setAttribute("aria-selected", "true");
                links[index].scrollIntoView({ block: "nearest" });
              } else if (event.key === "Enter" && index >= 0) {
                event.preventDefault(); window.location.href = links[index].href;
              } else if (event.key === "Escape") {
                box.hidden = true;
              }
            });
            document.addEventListener("click", (event) => { if (!box.contains(event.target) && event.target !== input) box.hidden = true; });
          }

          // Kanban: drag a card onto a stage; the move goes through the JSON API with the card's version, so a
          // deal changed by someone else meanwhile is reported, not overwritten.
          async function moveDeal(card, stage) {
            const body = { stageId: stage.dataset.stage, expectedVersion: Number(card.dataset.version) };
            if (stage.dataset.kind === "won") {
              const title = (card.querySelector("a.title") || {}).textContent || "";
              if (!window.confirm(say("Mark “" + title + "” as won?", "Отметить «" + title + "» как успешную?"))) return;
            }
            if (stage.dataset.kind === "lost") {
              const reason = await askReason(stage.dataset.name);
              if (reason === null) return;
              body.lostReason = reason;
            }
            const response = await fetch(card.dataset.move, {
              method: "POST", credentials: "same-origin",
              headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf(), "X-Requested-With": "fetch" },
              body: JSON.stringify(body),
            });
            if (response.status === 401) { sessionLost(); return; }
            if (response.ok) { await reload(); notice(""); document.getElementById("notice").hidden = true; return; }
            let problem = {};
            try { problem = await response.json(); } catch (e) { /* not JSON */ }
            if (response.status === 409) {
              await reload();
              notice(say("Someone changed this deal while you were looking. The board now shows the current state; move it again if you still want to.",
                         "Сделку изменили, пока вы смотрели. Доска обновлена; перенесите ещё раз, если нужно."));
              return;
            }
            const details = (problem.errors || []).map((e) => e.message).join(" ");
            notice((problem.title || say("The deal was not moved.", "Сделка не перенесена.")) + (details ? " " + details : ""));
          }

          function askReason(stageName) {
            return new Promise((resolve) => {
              const dialog = document.getElementById("dialog");
              const template = document.getElementById("lost-reason");
              if (!dialog || !template || typeof dialog.showModal !== "function") {
                const answer = window.prompt(say("Why was the deal lost?", "Почему сделка проиграна?"));
                resolve(answer && answer.trim() ? answer.trim() : null);
                return;
              }
              const body = dialog.querySelector(".dialog-body");
              body.innerHTML = "";
              body.append(template.content.cloneNode(true));
              const form = body.querySelector("form");
              const stageLabel = body.querySelector("[data-stage-name]");
              if (stageLabel) stageLabel.textContent = stageName || "";
              let answered = false;
              form.addEventListener("submit", (event) => {
                event.preventDefault();
                const value = form.querySelector("textarea, input[type=text]").value.trim();
                if (!value) { form.querySelector(".field-error").hidden = false; return; }
                answered = true; dialog.close(); resolve(value);
              });
              form.querySelector("[data-cancel]").addEventListener("click", () => dialog.close());
              dialog.addEventListener("close", () => { if (!answered) resolve(null); }, { once: true });
              dialog.showModal();
              form.querySelector("textarea, input[type=text]").focus();
            });
          }

          function board(root) {
            root.querySelectorAll(".deal-card[draggable]").forEach((card) => {
              card.addEventListener("dragstart", (event) => {
                event.dataTransfer.setData("text/plain", card.id);
                event.dataTransfer.effectAllowed = "move";
                card.classList.add("dragging");
              });
              card.addEventListener("dragend", () => card.classList.remove("dragging"));
            });
            root.querySelectorAll("[data-stage]").forEach((zone) => {
              zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("drop"); });
              zone.addEventListener("dragleave", () => zone.classList.remove("drop"));
              zone.addEventListener("drop", (event) => {
                event.preventDefault();
                zone.classList.remove("drop");
                const card = document.getElementById(event.dataTransfer.getData("text/plain"));
                if (card && card.dataset.stage !== zone.dataset.stage) moveDeal(card, zone);
              });
            });
          }

          function enhance(root) {
            root.querySelectorAll("form").forEach((form) => {
              if (form.dataset.enhanced || form.hasAttribute("data-native") || form.classList.contains("global-search")) return;
              form.dataset.enhanced = "1";
              form.addEventListener("submit", (event) => { event.preventDefault(); submit(form, event.submitter); });
            });
            root.querySelectorAll("a[data-dialog]").forEach((link) => {
              if (link.dataset.enhanced) return;
              link.dataset.enhanced = "1";
              link.addEventListener("click", (event) => { event.preventDefault(); openDialog(link.href); });
            });
            root.querySelectorAll("input[data-select-all]").forEach((box) => {
              box.hidden = false;
              box.addEventListener("change", () => {
                document.querySelectorAll('input[name="' + box.dataset.selectAll + '"]').forEach((c) => (c.checked = box.checked));
              });
            });
            root.querySelectorAll("select[data-autosubmit]").forEach((select) => {
              select.addEventListener("change", () => select.form && select.form.requestSubmit());
            });
            // Segment builder: offer only the operators the chosen field takes.
            root.querySelectorAll("select[data-segment-field]").forEach((field) => {
              const op = field.parentElement.querySelector('select[name$=".op"]');
              const sync = () => {
                const chosen = field.selectedOptions[0];
                const ops = chosen ? chosen.dataset.ops.split(" ") : [];
                op.querySelectorAll("option").forEach((o) => (o.hidden = !ops.includes(o.value)));
                if (op.selectedOptions[0] && op.selectedOptions[0].hidden) op.value = ops[0];
              };
              field.addEventListener("change", sync);
              sync();
            });
            const boardRoot = root.querySelector(".board") ? root : null;
            if (boardRoot) board(boardRoot);
          }

          window.addEventListener("popstate", () => reload());
          document.documentElement.classList.add("js");
          document.addEventListener("DOMContentLoaded", () => {
            document.querySelectorAll("input[data-live-search]").forEach(liveSearch);
            enhance(document);
          });
        })();
        """#
}
