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
