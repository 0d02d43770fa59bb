// The desktop app's menu bar (File, View, Help) from one table: each entry's label, shortcut and what it
// does (a DesktopCommands method, or an Electron role that Electron carries out itself, such as zoom).
// Electron builds the menu from the template this returns; appMenu.test.ts reads the same table.
import type { MenuItemConstructorOptions } from 'electron';

/** What the menu can ask for; desktopCommands.ts does it (main-side, or by asking the page). */
export interface DesktopCommands {
  open(): void;
  compare(): void;
  live(): void;
  toggleRecording(): void;
  exportView(): void;
  quit(): void;
  view(view: 'tree' | 'graph'): void;
  theme(theme: Theme): void;
  shortcuts(): void;
  about(): void;
}

export type Theme = 'system' | 'light' | 'dark';

/** What checkmarks and radio buttons show. */
export interface MenuState {
  recording: boolean;
  theme: Theme;
}

type Entry =
  | { label: string; accelerator?: string; run: (c: DesktopCommands) => void; checked?: (s: MenuState) => boolean; type?: 'checkbox' | 'radio' }
  | { label: string; role: NonNullable<MenuItemConstructorOptions['role']>; accelerator?: string }
  | 'separator';

const themeItem = (label: string, theme: Theme): Entry => ({ label, type: 'radio', run: (c) => c.theme(theme), checked: (s) => s.theme === theme });

export const MENU: readonly { label: string; items: readonly Entry[] }[] = [
  {
    label: '&File',
    items: [
      { label: 'Open…', accelerator: 'CmdOrCtrl+O', run: (c) => c.open() },
      { label: 'Compare with…', accelerator: 'CmdOrCtrl+D', run: (c) => c.compare() },
      { label: 'Live Keys', run: (c) => c.live() },
      'separator',
      { label: 'Record…', accelerator: 'CmdOrCtrl+R', type: 'checkbox', run: (c) => c.toggleRecording(), checked: (s) => s.recording },
      { label: 'Export…', accelerator: 'CmdOrCtrl+E', run: (c) => c.exportView() },
      'separator',
      { label: 'Quit', accelerator: 'CmdOrCtrl+Q', run: (c) => c.quit() },
    ],
  },
  {
    label: '&View',
    items: [
      // No accelerator: the page's own keys 1 and 2 do it, and a menu accelerator would take them from the search box.
      { label: 'Tree (1)', run: (c) => c.view('tree') },
      { label: 'Graph (2)', run: (c) => c.view('graph') },
      'separator',
      { label: 'Zoom In', role: 'zoomIn', accelerator: 'CmdOrCtrl+=' },
      { label: 'Zoom Out', role: 'zoomOut' },
      { label: 'Actual Size', role: 'resetZoom' },
      { label: 'Full Screen', role: 'togglefullscreen' },
      'separator',
      themeItem('Theme: System', 'system'),
      themeItem('Theme: Light', 'light'),
      themeItem('Theme: Dark', 'dark'),
    ],
  },
  {
    label: '&Help',
    items: [
      { label: 'Keyboard Shortcuts', accelerator: 'F1', run: (c) => c.shortcuts() },
      { label: 'About Keyring Browser', run: (c) => c.about() },
    ],
  },
];

/** The template for Menu.buildFromTemplate: rebuild it when the state changes (a checkmark moves). */
export function menuTemplate(commands: DesktopCommands, state: MenuState): MenuItemConstructorOptions[] {
  return MENU.map(({ label, items }) => ({
    label,
    submenu: items.map((item): MenuItemConstructorOptions => {
      if (item === 'separator') return { type: 'separator' };
      if ('role' in item) return { label: item.label, role: item.role, ...(item.accelerator ? { accelerator: item.accelerator } : {}) };
      return {
        label: item.label,
        ...(item.accelerator ? { accelerator: item.accelerator } : {}),
        ...(item.type ? { type: item.type, checked: item.checked?.(state) ?? false } : {}),
        click: () => item.run(commands),
      };
    }),
  }));
}
