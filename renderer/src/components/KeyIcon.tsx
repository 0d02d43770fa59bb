// Type icons: a ring for keyrings, a key for user keys, a padlock for logon (write-only) keys, a
// certificate for asymmetric keys, a generic tag for the rest. Inline SVG: no fonts, no network.
import { memo } from 'react';

type IconKind = 'keyring' | 'user' | 'logon' | 'asymmetric' | 'other';

export function iconKindOf(type: string): IconKind {
  if (type === 'keyring') return 'keyring';
  if (type === 'user' || type === 'big_key' || type === 'encrypted' || type === 'trusted') return 'user';
  if (type === 'logon') return 'logon';
  if (type === 'asymmetric') return 'asymmetric';
  return 'other';
}

const PATHS: Record<IconKind, React.ReactNode> = {
  keyring: (
    <>
      <circle cx="8" cy="8" r="5.2" fill="none" strokeWidth="1.8" />
      <circle cx="8" cy="8" r="1.6" />
    </>
  ),
  user: (
    <>
      <circle cx="5" cy="8" r="3.2" fill="none" strokeWidth="1.8" />
      <path d="M8 8h6.5M12 8v3M14.2 8v2.2" fill="none" strokeWidth="1.8" strokeLinecap="round" />
    </>
  ),
  logon: (
    <>
      <rect x="3" y="7" width="10" height="7" rx="1.5" />
      <path d="M5.2 7V5.2a2.8 2.8 0 0 1 5.6 0V7" fill="none" strokeWidth="1.7" />
    </>
  ),
  asymmetric: (
    <>
      <rect x="2.2" y="2.5" width="11.6" height="8.5" rx="1.2" fill="none" strokeWidth="1.5" />
      <circle cx="8" cy="11" r="2.2" />
      <path d="M6.8 12.8 6 15.5l2-1 2 1-.8-2.7" />
    </>
  ),
  other: (
    <>
      <path d="M2.5 3.5h5.3l5.7 5.7-4.3 4.3-5.7-5.7z" fill="none" strokeWidth="1.6" strokeLinejoin="round" />
      <circle cx="5.5" cy="6.2" r="1.1" />
    </>
  ),
};

export const KeyIcon = memo(function KeyIcon({ type }: { type: string }) {
  const kind = iconKindOf(type);
  return (
    <svg className={`key-icon key-icon-${kind}`} viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      {PATHS[kind]}
    </svg>
  );
});
