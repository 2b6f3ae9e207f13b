// The header's location switcher: shown only when there is somewhere to
// switch to. Pure, tested.

import type { ConnectionInfo } from "../bindings/ConnectionInfo";

/** The connected locations, by name, when more than one: else none. */
export function switcherChoices(connections: readonly ConnectionInfo[]): ConnectionInfo[] {
  if (connections.length < 2) return [];
  return [...connections].sort((a, b) => a.name.localeCompare(b.name));
}

/** The id the switcher shows as chosen. */
export function activeLocationId(connections: readonly ConnectionInfo[]): string {
  return connections.find((c) => c.active)?.locationId ?? connections[0]?.locationId ?? "";
}
