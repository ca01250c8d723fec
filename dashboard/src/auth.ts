// The admin token the dashboard uses. It is kept in sessionStorage (gone when the tab closes), can
// arrive in the URL's fragment (#token=..., which browsers never send to a server) and is then removed
// from the address bar at once. A link can open one session's page: #token=...&session=ID.

import { ApiError, FedNApi } from "./api";
import { h, replace } from "./dom";

const storageKey = "fedn.adminToken";

export function storedToken(): string | null {
  const link = /^#\/?token=([^&]+)(?:&session=([^&]+))?/.exec(location.hash);
  if (link) {
    sessionStorage.setItem(storageKey, decodeURIComponent(link[1]!));
    const page = link[2] ? `#/sessions/${link[2]}` : "#/";
    history.replaceState(null, "", `${location.pathname}${location.search}${page}`);
  }
  return sessionStorage.getItem(storageKey);
}

export function forgetToken(): void {
  sessionStorage.removeItem(storageKey);
}

/** The sign-in form; resolves with an API client once the API has accepted the token. */
export function signIn(main: HTMLElement, reason?: string): Promise<FedNApi> {
  return new Promise((resolve) => {
    const error = h("p", { id: "sign-in-error", class: "message", role: "alert" }, reason ?? "");
    const input = h("input", {
      id: "token",
      name: "token",
      type: "password",
      autocomplete: "off",
      required: true,
      spellcheck: "false",
      "aria-describedby": "token-help sign-in-error",
    });
    const form = h(
      "form",
      { class: "panel sign-in", "aria-labelledby": "sign-in-title" },
      h("h1", { id: "sign-in-title" }, "Sign in"),
      h("label", { for: "token" }, "Admin token"),
      input,
      h(
        "p",
        { id: "token-help", class: "muted" },
        "Mint one on the server's machine with ",
        h("code", {}, "./fedn token create --role admin"),
        ". It stays in this tab only.",
      ),
      h("button", { type: "submit", class: "primary" }, "Sign in"),
      error,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const api = new FedNApi(input.value.trim());
      try {
        await api.sessions();
        sessionStorage.setItem(storageKey, input.value.trim());
        resolve(api);
      } catch (failure) {
        error.textContent =
          failure instanceof ApiError && (failure.status === 401 || failure.status === 403)
            ? `The token was refused: ${failure.message}`
            : `The API did not answer: ${failure instanceof Error ? failure.message : String(failure)}`;
        input.focus();
      }
    });
    replace(main, form);
    input.focus();
  });
}
