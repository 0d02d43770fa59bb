// Export in the desktop app: the page saves a picture or snapshot as a browser would (an <a download>,
// export/download.ts); in Electron that download comes here, and is saved where the person says in the
// desktop's own save dialog, never to a downloads folder behind their back.
import type { DownloadItem, SaveDialogOptions } from 'electron';

const FILTERS: Record<string, NonNullable<SaveDialogOptions['filters']>[number]> = {
  png: { name: 'PNG picture', extensions: ['png'] },
  svg: { name: 'SVG picture', extensions: ['svg'] },
  json: { name: 'Snapshot JSON', extensions: ['json'] },
};

/** Asks where to save `item` (it is not written until the person chooses; Cancel drops it). */
export function askWhereToSave(item: Pick<DownloadItem, 'getFilename' | 'setSaveDialogOptions'>): void {
  const name = item.getFilename();
  const filter = FILTERS[name.split('.').pop()?.toLowerCase() ?? ''];
  item.setSaveDialogOptions({ title: 'Export', defaultPath: name, filters: filter ? [filter] : [] });
}
