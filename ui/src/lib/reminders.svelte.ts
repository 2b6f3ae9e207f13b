// The week's confirmation figures (header count, status bar), refreshed when
// the core says the replica or the status changed. One instance per window.

import type { ConfirmationRate } from "../bindings/ConfirmationRate";
import * as api from "./api";

export class ReminderFigures {
  rate = $state.raw<ConfirmationRate | null>(null);
  #started = false;

  refresh = async () => {
    try {
      this.rate = await api.confirmationRate();
    } catch {
      // Not connected yet, or the replica is busy: the next event retries.
      this.rate = null;
    }
  };

  start = () => {
    if (this.#started) return;
    this.#started = true;
    void this.refresh();
    void api.onReplicaChanged(() => void this.refresh());
    void api.onStatusChanged(() => void this.refresh());
  };
}

export const reminderFigures = new ReminderFigures();
