// What the graph's lines and pin badges mean: a panel behind the toolbar's "Legend" button. The samples
// are drawn with the same classes as the graph's own edges and badges, so they cannot drift apart.
import { useState } from 'react';

const EDGES: readonly { cls: string; text: string }[] = [
  { cls: 'graph-edge graph-edge-link', text: 'a keyring links a key' },
  { cls: 'graph-edge graph-edge-link shared', text: 'one of several links to a shared key' },
  { cls: 'graph-edge graph-edge-anchor', text: 'this process holds the keyring (thread, process, session)' },
  { cls: 'graph-edge graph-edge-link cross', text: 'a link between boxes (.user_reg → _uid.N)' },
  { cls: 'graph-edge graph-edge-group', text: "a keyring's folded members" },
  { cls: 'graph-edge graph-edge-user', text: "a user's own keyring or key (system view)" },
];

const PINS: readonly { badge: string; none?: boolean; text: string }[] = [
  { badge: '2 links', text: 'links from keyrings keep it' },
  { badge: '1 cred', text: 'references from credentials, open files or the kernel' },
  { badge: 'user', text: "the user's processes keep it (a user keyring)" },
  { badge: 'timer', text: 'an expiry timer (shown as a countdown when it has one)' },
  { badge: 'no pins', none: true, text: 'nothing keeps it: the collector will remove it' },
];

export function GraphLegend() {
  const [open, setOpen] = useState(false);
  return (
    <div className="graph-legend-wrap">
      <button type="button" className="graph-legend-button" aria-expanded={open} aria-controls="kb-graph-legend" onClick={() => setOpen(!open)}>
        Legend
      </button>
      {open && (
        <div className="graph-legend" id="kb-graph-legend" role="region" aria-label="Graph legend">
          <div className="graph-legend-title">Lines</div>
          {EDGES.map((e) => (
            <div className="graph-legend-row" key={e.text}>
              <svg width="44" height="10" aria-hidden="true">
                <path className={e.cls} d="M2 5 H42" fill="none" />
              </svg>
              <span>{e.text}</span>
            </div>
          ))}
          <div className="graph-legend-title">Pin badges: what keeps a key alive</div>
          {PINS.map((p) => (
            <div className="graph-legend-row" key={p.badge}>
              <span className={`badge graph-pins${p.none ? ' none' : ''}`}>{p.badge}</span>
              <span>{p.text}</span>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
