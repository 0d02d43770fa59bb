// Entry point: picks the KeyringApi (the fake one only with `?fake=1` or `?fake=<N keys>`, `&shared=1` for a
// graph where many keys are linked from several keyrings), mounts
// the app and, with `&bench=1`, measures first render, one key's delta and one search for `npm run bench`. The fake API and
// the measurements exist only in the dev server and the bench build (dev/buildMode.ts).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { KeyringApi } from '../../shared/api';
import { counted } from '../../shared/text';
import { Root } from './Root';
import { runBench } from './bench';
import { DEV_TOOLS } from './dev/buildMode';
import { createFakeApi, type FakeApi } from './dev/fakeApi';
import { getKeyringApi } from './transport';
import { unavailableApi } from './transport/unavailableApi';
import { useKb } from './store';
import { runSearchNow } from './tree/useSearchRunner';

const params = new URLSearchParams(window.location.search);
const fake = DEV_TOOLS ? params.get('fake') : null;
const fakeCount = fake && /^\d+$/.test(fake) && Number(fake) > 1 ? Number(fake) : undefined;
const bench = DEV_TOOLS && params.get('bench') === '1';
const shape = params.get('shared') === '1' ? 'shared' : 'tree';

let api: KeyringApi;
let fakeApi: FakeApi | null = null;
let mode: string | undefined;
let startupError: unknown = null;
if (DEV_TOOLS && fake) {
  api = fakeApi = createFakeApi({ keyCount: fakeCount, shape, live: !bench });
  mode = fakeCount ? `demo data · ${counted(fakeCount, 'key')}${shape === 'shared' ? ', many shared' : ''}` : 'demo data';
} else {
  try {
    api = getKeyringApi();
  } catch (e) {
    startupError = e;
    const reason = e instanceof Error ? e.message : String(e);
    api = unavailableApi(() => Promise.reject(new Error(reason)));
  }
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root liveApi={api} mode={mode} menuCommands={!!window.keyringApi} />
  </StrictMode>,
);
if (startupError) console.error(startupError);

if (DEV_TOOLS && bench && fakeCount && fakeApi) {
  void runBench(fakeCount, {
    search: (q) => {
      useKb.getState().setQuery(q);
      runSearchNow();
    },
    stageKeyChange: fakeApi.stageKeyChange,
    profile: params.get('profile') === '1',
  });
}
