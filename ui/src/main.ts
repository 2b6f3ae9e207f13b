import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";

const target = document.getElementById("root");
if (!target) throw new Error("missing #root element");

performance.mark("ui:mount-start");
const app = mount(App, { target });
performance.mark("ui:mounted");
export default app;
