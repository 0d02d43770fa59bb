// Puts text on the clipboard. The async Clipboard API first; where it is refused (the desktop app's main
// process denies every permission request, and the API needs one) a selected <textarea> and the copy
// command, which a click allows without any permission.
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // fall through to the copy command
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const done = document.execCommand('copy');
  area.remove();
  if (!done) throw new Error('the clipboard refused the text');
}

/** A key id as keyctl(1) takes it: `0x` and 8 hex digits, or decimal. */
export function idForKeyctl(id: number, base: 'hex' | 'decimal'): string {
  return base === 'hex' ? `0x${id.toString(16).padStart(8, '0')}` : String(id);
}
