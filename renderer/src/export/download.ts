// Saves a blob through the browser's own download path: an <a download> with a blob: URL. In
// Electron the same click goes through the session's will-download (a save dialog).

export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has taken its copy once click() returns in Chromium; a delay keeps slower hosts safe.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** `2026-11-28T18-30-05`: sortable, and legal in file names everywhere. */
export function fileStamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
}
