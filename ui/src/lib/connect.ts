// The connect form's rules, kept apart from the component so they are tested.

export interface ConnectForm {
  baseUrl: string;
  locationId: string;
  token: string;
}

/** The form with surrounding spaces removed (pasted tokens often carry them). */
export function cleanForm(form: ConnectForm): ConnectForm {
  return {
    baseUrl: form.baseUrl.trim().replace(/\/+$/, ""),
    locationId: form.locationId.trim(),
    token: form.token.trim(),
  };
}

/** True when every field has something and the URL is http(s). */
export function formComplete(form: ConnectForm): boolean {
  const f = cleanForm(form);
  return /^https?:\/\/\S+$/.test(f.baseUrl) && f.locationId.length > 0 && f.token.length > 0;
}

export interface OAuthForm {
  baseUrl: string;
  authorizeUrl: string;
  clientId: string;
  clientSecret: string;
}

/** GHL's authorization page; the sandbox serves its own at `{base}/oauth/chooselocation`. */
export const GHL_AUTHORIZE_URL = "https://marketplace.gohighlevel.com/v2/oauth/chooselocation";

export function cleanOAuthForm(form: OAuthForm): OAuthForm {
  return {
    baseUrl: form.baseUrl.trim().replace(/\/+$/, ""),
    authorizeUrl: form.authorizeUrl.trim(),
    clientId: form.clientId.trim(),
    clientSecret: form.clientSecret.trim(),
  };
}

/** True when both URLs are http(s) and the app's id and secret are there. */
export function oauthFormComplete(form: OAuthForm): boolean {
  const f = cleanOAuthForm(form);
  const url = /^https?:\/\/\S+$/;
  return url.test(f.baseUrl) && url.test(f.authorizeUrl) && f.clientId.length > 0 && f.clientSecret.length > 0;
}

/** Minutes left before a token expires, never negative; null when it does not expire. */
export function minutesLeft(expiresInSecs: number | null): number | null {
  return expiresInSecs === null ? null : Math.max(0, Math.floor(expiresInSecs / 60));
}
