// Progress of a running verification: poll the JSON status, move the bar, reload when done.
(function () {
  "use strict";
  var box = document.getElementById("verify-progress");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var template = box.getAttribute("data-template");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-progress-text]");
  var numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function show(status) {
    bar.max = Math.max(status.total, 1);
    bar.value = status.checked;
    text.textContent = template
      .replace("{checked}", numbers.format(status.checked))
      .replace("{total}", numbers.format(status.total));
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (status) {
        if (status.finished) {
          window.location.reload();
          return;
        }
        show(status);
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 500);
})();
