// What "the view is drawn" means, as page scripts both picture engines run: headless chromium
// (screenshot.ts, through Playwright's waitForFunction) and Electron (capture.ts, through
// webContents.executeJavaScript). Plain strings, so neither engine's types leak into the other.

/** An expression, true once the view shows keys: tree rows, or a finished graph layout with its nodes. */
export function viewReadyScript(view: 'tree' | 'graph'): string {
  if (view === 'tree') return `!!document.querySelector('[data-view="tree"] [data-key-id]')`;
  // data-layout-thread appears once the first layout is applied; the status line goes when none is pending.
  return (
    `!!document.querySelector('[data-view="graph"] [data-layout-thread]')` +
    ` && !!document.querySelector('[data-view="graph"] [data-key-id]')` +
    ` && !document.querySelector('[data-view="graph"] .graph-status')`
  );
}

/** An expression that clicks the key's row or node and is true when it was there to click. */
export function clickKeyScript(view: 'tree' | 'graph', id: number): string {
  if (!Number.isInteger(id)) throw new Error(`not a key id: ${id}`);
  return `(() => { const el = document.querySelector('[data-view="${view}"] [data-key-id="${id}"]'); if (!el) return false; el.click(); return true; })()`;
}

/** The page's element for uid N's node in the Users section (a tree row or a graph node). */
export function userNodeSelector(view: 'tree' | 'graph', uid: number): string {
  if (!Number.isInteger(uid) || uid < 0) throw new Error(`not a uid: ${uid}`);
  return `[data-view="${view}"] [data-user-uid="${uid}"]`;
}

/** An expression that clicks uid N's node (the Users section) and is true, or false when it is not drawn. */
export function clickUserScript(view: 'tree' | 'graph', uid: number): string {
  return `(() => { const el = document.querySelector(${JSON.stringify(userNodeSelector(view, uid))}); if (!el) return false; el.scrollIntoView({ block: 'center' }); el.click(); return true; })()`;
}

/** An expression that folds the change log when it is open. */
export const FOLD_CHANGE_LOG_SCRIPT = `(() => { const t = document.querySelector('section[aria-label="Change log"] .panel-toggle[aria-expanded="true"]'); if (t) t.click(); return true; })()`;

/** An expression whose value is the page's visible text (`--dump-text`). */
export const PAGE_TEXT_SCRIPT = 'document.body.innerText';

/** An expression that types `text` into the search box as a person would (React listens for 'input'). */
export function searchScript(text: string): string {
  return (
    `(() => { const i = document.querySelector('input[placeholder^="Search"]'); if (!i) return false;` +
    ` Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(i, ${JSON.stringify(text)});` +
    ` i.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`
  );
}
