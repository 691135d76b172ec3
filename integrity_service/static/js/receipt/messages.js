// The page's translated messages: a JSON data block the server renders from its catalogue.

let catalogue = null;

function load() {
  if (catalogue === null) {
    const block = document.getElementById("receipt-messages");
    catalogue = block ? JSON.parse(block.textContent) : {};
  }
  return catalogue;
}

/** Return the message `key` with {placeholders} filled from params (the key if unknown). */
export function message(key, params = {}) {
  const text = load()[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}

/** Return the message `key` if the catalogue has it, else null. */
export function optionalMessage(key) {
  return load()[key] ?? null;
}

/** Return the page's language (the <html lang> the server chose). */
export function pageLanguage() {
  return document.documentElement.lang || "id";
}
