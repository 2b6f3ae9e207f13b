import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";
import { startupAgendaSettled } from "./lib/api";

const target = document.getElementById("root");
if (!target) throw new Error("missing #root element");

// Today's agenda, asked for by index.html, has usually answered by now; if
// not, a short wait beats drawing the grid empty and then again with citas.
const MOUNT_WAIT_MS = 150;

void startupAgendaSettled(MOUNT_WAIT_MS).then(() => {
  performance.mark("ui:mount-start");
  mount(App, { target });
  performance.mark("ui:mounted");
});
