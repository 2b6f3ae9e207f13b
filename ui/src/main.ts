import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";

const target = document.getElementById("root");
if (!target) throw new Error("missing #root element");

export default mount(App, { target });
