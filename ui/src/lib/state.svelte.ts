// State shared by several views: what the app says about itself, and the loaded lists (the
// Screen view shows their ages, the Lists view their details). Loaded through ipc.ts.

import * as ipc from '../ipc';

export const app = $state({
  info: null as ipc.AppInfo | null,
  /** The index is built: screening answers. */
  ready: false,
  lists: [] as ipc.ListStatus[],
  listsError: null as string | null,
  /** Why the lists could not be loaded, if they could not. */
  loadError: null as string | null,
  /** Bumped when a screening is saved, so the Cases view reloads. */
  casesVersion: 0,
  /** Bumped when feeds were refreshed elsewhere (the Lists view's update), so Watch reloads. */
  watchVersion: 0,
  /** A case to open in the Cases view (set by "Open the case" after a screening is saved). */
  showCase: null as string | null,
  /** Who is at the keyboard (the case files' actor); null until the first-start dialog. */
  user: null as ipc.UserProfile | null,
  /** Whether the user-profile dialog is open. */
  profileDialog: false,
});

export async function refreshLists() {
  try {
    app.lists = await ipc.lists();
    app.listsError = null;
  } catch (e) {
    app.listsError = (e as Error).message;
  }
}

/**
 * Waits for the index: the `index-ready` event, with app_info polled as well in case the event
 * came before the page listened (a fresh data dir imports the bundled lists first).
 */
export async function watchReady() {
  let settled = false;
  const unlisten = await ipc.onIndexReady((e) => {
    if (e.ready) return;
    app.loadError = e.message ?? 'the lists could not be loaded';
    settled = true;
  });
  while (!settled) {
    try {
      const info = await ipc.appInfo();
      app.info = info;
      if (info.ready) {
        app.ready = true;
        settled = true;
        await refreshLists();
        break;
      }
    } catch {
      // The shell answers app_info from the start; an error here is transient.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  unlisten();
}
