// The one place the renderer gets its KeyringApi: Electron's preload bridge when it is there,
// otherwise serve's WebSocket.
import type { KeyringApi } from '../../../shared/api';
import { KeyringApiError, type KeyringBridge } from '../../../shared/protocol';
import { createBridgeApi } from './bridgeClient';
import { takeServeToken } from './serveToken';
import { unavailableApi } from './unavailableApi';
import { createWsKeyringApi, serveWsUrl, type WebSocketLike } from '../../../shared/wsClient';

declare global {
  interface Window {
    /** Set by electron/preload.ts; absent in a browser. */
    keyringApi?: KeyringBridge;
  }
}

let api: KeyringApi | null = null;

export function getKeyringApi(): KeyringApi {
  api ??= window.keyringApi ? createBridgeApi(window.keyringApi) : createServeApi();
  return api;
}

function createServeApi(): KeyringApi {
  const token = takeServeToken(window);
  if (!token) return refusingApi();
  return createWsKeyringApi({
    url: serveWsUrl(window.location.href, token),
    // The DOM's handler types are stricter than WebSocketLike's, which is all the client touches.
    createSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
  });
}

/** Without a token nothing can be fetched: every call says what to do instead of failing obscurely. */
function refusingApi(): KeyringApi {
  const refuse = () =>
    Promise.reject(
      new KeyringApiError(
        'forbidden',
        'This page needs its access token: open the full URL that `keyring-browser serve` printed (it ends in ?token=…).',
      ),
    );
  return unavailableApi(refuse);
}
