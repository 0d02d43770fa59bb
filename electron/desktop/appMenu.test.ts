// The menu bar from its one table: File, View and Help hold what the issue asks, each item does what it
// says, and checkmarks follow the state.
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { menuTemplate, type DesktopCommands } from './appMenu';

function commands(): DesktopCommands {
  return { open: vi.fn(), compare: vi.fn(), live: vi.fn(), toggleRecording: vi.fn(), exportView: vi.fn(), quit: vi.fn(), view: vi.fn(), theme: vi.fn(), shortcuts: vi.fn(), about: vi.fn() };
}

const items = (menu: MenuItemConstructorOptions) => (menu.submenu as MenuItemConstructorOptions[]).filter((i) => i.type !== 'separator');
const item = (template: MenuItemConstructorOptions[], menu: string, label: string) => {
  const found = items(template.find((m) => m.label === menu)!).find((i) => i.label === label);
  if (!found) throw new Error(`no ${menu} → ${label}`);
  return found;
};
const click = (i: MenuItemConstructorOptions) => (i.click as () => void)();

describe('the application menu', () => {
  it('has File, View and Help with what a desktop app offers', () => {
    const template = menuTemplate(commands(), { recording: false, theme: 'system' });
    expect(template.map((m) => m.label)).toEqual(['&File', '&View', '&Help']);
    expect(items(template[0]!).map((i) => i.label)).toEqual(['Open…', 'Compare with…', 'Live Keys', 'Record…', 'Export…', 'Quit']);
    expect(items(template[1]!).map((i) => i.label)).toEqual(['Tree (1)', 'Graph (2)', 'Zoom In', 'Zoom Out', 'Actual Size', 'Full Screen', 'Theme: System', 'Theme: Light', 'Theme: Dark']);
    expect(items(template[2]!).map((i) => i.label)).toEqual(['Keyboard Shortcuts', 'About Keyring Browser']);
    expect(item(template, '&File', 'Open…').accelerator).toBe('CmdOrCtrl+O');
    expect(item(template, '&File', 'Quit').accelerator).toBe('CmdOrCtrl+Q');
    expect(item(template, '&View', 'Zoom In').role).toBe('zoomIn');
    // Plain keys stay the page's (a menu accelerator 1 would take it from the search box).
    expect(item(template, '&View', 'Tree (1)').accelerator).toBeUndefined();
  });

  it('each item does what it says', () => {
    const c = commands();
    const template = menuTemplate(c, { recording: false, theme: 'system' });
    click(item(template, '&File', 'Open…'));
    click(item(template, '&File', 'Compare with…'));
    click(item(template, '&File', 'Record…'));
    click(item(template, '&File', 'Export…'));
    click(item(template, '&File', 'Quit'));
    click(item(template, '&View', 'Graph (2)'));
    click(item(template, '&View', 'Theme: Dark'));
    click(item(template, '&Help', 'Keyboard Shortcuts'));
    click(item(template, '&Help', 'About Keyring Browser'));
    expect(c.open).toHaveBeenCalledOnce();
    expect(c.compare).toHaveBeenCalledOnce();
    expect(c.toggleRecording).toHaveBeenCalledOnce();
    expect(c.exportView).toHaveBeenCalledOnce();
    expect(c.quit).toHaveBeenCalledOnce();
    expect(c.view).toHaveBeenCalledWith('graph');
    expect(c.theme).toHaveBeenCalledWith('dark');
    expect(c.shortcuts).toHaveBeenCalledOnce();
    expect(c.about).toHaveBeenCalledOnce();
  });

  it('checkmarks follow the state: Record while recording, the theme in use', () => {
    const off = menuTemplate(commands(), { recording: false, theme: 'system' });
    const on = menuTemplate(commands(), { recording: true, theme: 'light' });
    expect(item(off, '&File', 'Record…')).toMatchObject({ type: 'checkbox', checked: false });
    expect(item(on, '&File', 'Record…')).toMatchObject({ type: 'checkbox', checked: true });
    expect(item(off, '&View', 'Theme: System').checked).toBe(true);
    expect(item(on, '&View', 'Theme: Light').checked).toBe(true);
    expect(item(on, '&View', 'Theme: System').checked).toBe(false);
  });
});
