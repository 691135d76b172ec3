"""Driving the "check my receipt" page in Chromium: paste or upload, verify, read the checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Browser stand-ins for the two fallbacks of static/js/receipt/crypto.js.
NO_WEBCRYPTO_ED25519 = """
(() => {
  const subtle = globalThis.crypto.subtle;
  const importKey = subtle.importKey.bind(subtle);
  subtle.importKey = (format, key, algorithm, ...rest) => {
    const name = typeof algorithm === "string" ? algorithm : algorithm?.name;
    if (String(name).toLowerCase() === "ed25519") {
      return Promise.reject(new DOMException("Unrecognized name.", "NotSupportedError"));
    }
    return importKey(format, key, algorithm, ...rest);
  };
})();
"""
NO_WEBCRYPTO = """
Object.defineProperty(Crypto.prototype, "subtle", { get() { return undefined; } });
"""


@dataclass(frozen=True)
class Outcome:
    """What the page showed: the verdict, each check, the engine, the entry's fields."""

    verdict: str
    checks: dict[str, tuple[str, str, str]]  # id -> (status, code, text)
    engine: str
    entry: dict[str, str]  # field name -> shown value
    redacted_note: bool
    witness_lines: str

    def status(self, check: str) -> str:
        """Return the status of one check (pass, fail, skip, note, pending)."""
        return self.checks[check][0]

    def failed(self) -> list[str]:
        """Return the ids of the checks that failed."""
        return [check for check, (status, _, _) in self.checks.items() if status == "fail"]


def new_page(browser: Any, *, init_script: str | None = None) -> tuple[Any, list[str]]:
    """Open a page in a fresh context (optionally with a script run before the page's own).

    Return the page and the list its uncaught script errors are collected in.
    """
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def read_outcome(page: Any) -> Outcome:
    """Wait for the check to finish and read its results from the DOM."""
    page.wait_for_selector("#result[data-state=done]")
    checks = page.eval_on_selector_all(
        "#checks li",
        "items => items.map(li => [li.dataset.check, li.dataset.status, li.dataset.code,"
        " li.querySelector('.detail')?.textContent ?? ''])",
    )
    entry = page.eval_on_selector_all(
        "#entry-fields tr[data-field]",
        "rows => rows.map(row => [row.dataset.field, row.querySelector('td').textContent])",
    )
    return Outcome(
        verdict=page.get_attribute("#verdict", "data-verdict") or "",
        checks={check: (status, code, text) for check, status, code, text in checks},
        engine=page.get_attribute("#result", "data-engine") or "",
        entry=dict(entry) if page.is_visible("#entry") else {},
        redacted_note=page.is_visible("#redacted-note"),
        witness_lines=page.inner_text("#witness-lines")
        if page.is_visible("#witness-lines")
        else "",
    )


def verify_pasted(page: Any, base: str, receipt_text: str, *, query: str = "") -> Outcome:
    """Open the receipt page, paste the receipt, click Verify, and return what it showed."""
    page.goto(f"{base}/public/receipt{query}")
    page.wait_for_selector("#receipt-form[data-ready=true]")
    page.fill("#receipt-text", receipt_text)
    page.click("#verify")
    return read_outcome(page)
