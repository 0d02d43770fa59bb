// How a page served by `keyring-browser serve` gets its access token: from `?token=` in the URL it was
// opened with. The token is then moved out of the address bar (and so out of history, bookmarks and
// screenshots) into sessionStorage, where a reload of this tab still finds it.
const STORAGE_KEY = 'keyring-browser.token';

export interface TokenEnvironment {
  location: { href: string };
  history: { replaceState(data: unknown, unused: string, url?: string): void };
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

export function takeServeToken(env: TokenEnvironment): string | null {
  const url = new URL(env.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      env.sessionStorage.setItem(STORAGE_KEY, fromUrl);
      url.searchParams.delete('token');
      env.history.replaceState(null, '', url.pathname + url.search + url.hash);
    } catch {
      // Storage disabled: keep the token in the URL so a reload still works.
    }
    return fromUrl;
  }
  try {
    return env.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
