import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { applyPrefs } from './lib/prefs.svelte';

applyPrefs();

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

const app = mount(App, { target });
// Start-up is measured by the end-to-end tests from these marks (see src-tauri/tests/e2e.rs).
performance.mark('klaring-mounted');
requestAnimationFrame(() => performance.mark('klaring-first-frame'));

export default app;
