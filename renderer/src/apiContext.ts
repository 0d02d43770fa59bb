import { createContext, useContext } from 'react';
import type { KeyringApi } from '../../shared/api';

/** The KeyringApi the app talks to (the transport's, or the fake one in `?fake` mode). */
export const ApiContext = createContext<KeyringApi | null>(null);

export function useApi(): KeyringApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside <ApiContext.Provider>');
  return api;
}
