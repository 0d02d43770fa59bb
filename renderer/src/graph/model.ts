// The keyring graph as the graph view draws it: nodes for "this process", keyrings and keys, edges
// keyring → member, and three clusters (what this process reaches, kernel-held keyrings, the rest).
// Pure: built from the tree's model (parents, reachability, kernel/orphan roots), so both views agree
// on what is shared and what is kernel-held.
//
// Big keyrings fold their private leaf keys into one group node ("312 user keys") so a bench-sized
// keyring does not become a wall of boxes; `openGroups` lists the keyrings the user unfolded.
//
// `structureKey` names everything the layout depends on (nodes, their sizes and clusters, edges).
// Two models with the same key share one layout: status and usage ticks change node data only.
import { userLabel } from '../../../shared/quota';
import { ANCHOR_ORDER, type AnchorName, type KeyInfo } from '../../../shared/snapshot';
import { userGroupMembers, type UserGroup } from '../../../shared/userGroups';
import { anchorNamesOf, isKeyring, type TreeModel } from '../tree/model';

/** A keyring with more members than this folds its private leaf keys into a group node. */
export const FOLD_THRESHOLD = 50;

export const NODE_WIDTH = 212;
export const NODE_HEIGHT = 40;
/** Anchor keyrings carry a label line above the description. */
export const ANCHOR_NODE_HEIGHT = 54;
export const PROCESS_NODE_WIDTH = 150;
export const PROCESS_NODE_HEIGHT = 40;
export const GROUP_NODE_HEIGHT = 40;

export const PROCESS_NODE_ID = 'proc';
export const USER_NODE_WIDTH = 212;
export const USER_NODE_HEIGHT = 54;

export type ClusterId = 'process' | 'users' | 'kernel' | 'orphan';

export const CLUSTER_LABELS: Record<ClusterId, string> = {
  process: 'This process',
  users: 'Users',
  kernel: 'Kernel-held keyrings (not reachable from this process)',
  orphan: 'Not reachable from this process',
};

interface NodeBase {
  /** xyflow node id: `k:<key id>`, `g:<keyring id>` or `proc`. */
  id: string;
  cluster: ClusterId;
  width: number;
  height: number;
}

export interface KeyNodeItem extends NodeBase {
  kind: 'key';
  key: KeyInfo;
  /** Anchor names this keyring is for this process (a keyring can be several). */
  anchors: AnchorName[];
  /** Linked from more than one visible keyring. */
  shared: boolean;
  /** Members the kernel lists but this process cannot see. */
  hiddenMembers: number;
}

export interface GroupNodeItem extends NodeBase {
  kind: 'group';
  /** The keyring whose leaf members are folded here. */
  ringId: number;
  memberIds: readonly number[];
  /** Member count per type, most frequent first. */
  typeCounts: readonly (readonly [string, number])[];
}

export interface ProcessNodeItem extends NodeBase {
  kind: 'process';
}

/** A uid of the Users section: points at its own keyrings and keys, carries its quota. */
export interface UserNodeItem extends NodeBase {
  kind: 'user';
  group: UserGroup;
  /** "alice (uid 1000)". */
  label: string;
}

export type GraphNodeItem = KeyNodeItem | GroupNodeItem | ProcessNodeItem | UserNodeItem;

export interface GraphEdgeItem {
  id: string;
  source: string;
  target: string;
  /** link: a keyring links a key; anchor: this process holds a keyring; group: links folded into a group node; user: a user's own keyring or key. */
  kind: 'link' | 'anchor' | 'group' | 'user';
  /** For link edges: the keyring and the member (for `data-link`). */
  ring?: number;
  member?: number;
  /** For anchor edges: which anchor. */
  anchor?: AnchorName;
  /** The member has several visible parents: this edge is one of the links that make it shared. */
  shared: boolean;
  /** The ends sit in different clusters (e.g. `.user_reg` → `_uid.1000`): drawn without layout routing. */
  crossCluster: boolean;
}

export interface GraphModel {
  nodes: GraphNodeItem[];
  edges: GraphEdgeItem[];
  byId: ReadonlyMap<string, GraphNodeItem>;
  /** key id → the node that shows it (its own node, or the group it is folded into). */
  nodeOfKey: ReadonlyMap<number, string>;
  /** Same string ⇔ same layout input. */
  structureKey: string;
}

export const keyNodeId = (id: number): string => `k:${id}`;
export const userNodeId = (uid: number): string => `u:${uid}`;
export const groupNodeId = (ringId: number): string => `g:${ringId}`;

/** Anchors "this process" points at: the ones it holds in its credentials. */
const PROCESS_ANCHORS: readonly AnchorName[] = ['thread', 'process', 'session'];

export interface GraphModelOptions {
  /** Keyrings whose fold the user opened. */
  openGroups?: ReadonlySet<number>;
  /** Fold threshold (tests and the bench may change it). */
  foldThreshold?: number;
}

export function buildGraphModel(tree: TreeModel, opts: GraphModelOptions = {}): GraphModel {
  const { keys, parents, anchors } = tree;
  const openGroups = opts.openGroups ?? new Set<number>();
  const threshold = opts.foldThreshold ?? FOLD_THRESHOLD;
  const visibleParents = (id: number) => (parents.get(id) ?? []).filter((p) => keys.has(p));

  const clusterOf = assignClusters(tree);
  const nodes: GraphNodeItem[] = [];
  const edges: GraphEdgeItem[] = [];
  const byId = new Map<string, GraphNodeItem>();
  const nodeOfKey = new Map<number, string>();
  /** Leaf keys folded into a group, by key id → group node id. */
  const folded = new Map<number, string>();

  // Decide the folds first: a leaf is folded when its only visible parent is a big, closed keyring.
  for (const k of keys.values()) {
    const members = k.links;
    if (!members || members.length <= threshold || openGroups.has(k.id)) continue;
    const gid = groupNodeId(k.id);
    for (const m of members) {
      const mk = keys.get(m);
      if (!mk || isKeyring(mk)) continue;
      if (visibleParents(m).length !== 1) continue; // shared keys stay visible: they are the interesting ones
      folded.set(m, gid);
    }
  }

  const addNode = (n: GraphNodeItem) => {
    nodes.push(n);
    byId.set(n.id, n);
  };

  // Nodes in model order: a walk from the anchors in search order, members in kernel order, then
  // kernel-held and orphan roots. ELK keeps this order, so the picture reads like the tree and a new
  // key lands at the end of its keyring instead of reshuffling the others.
  const order: number[] = [];
  const seen = new Set<number>();
  const visit = (start: number) => {
    const stack = [start];
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id) || !keys.has(id)) continue;
      seen.add(id);
      order.push(id);
      const members = keys.get(id)!.links ?? [];
      for (let i = members.length - 1; i >= 0; i--) if (!seen.has(members[i]!)) stack.push(members[i]!);
    }
  };
  for (const name of ANCHOR_ORDER) {
    const a = anchors[name];
    if (a != null) visit(a);
  }
  for (const g of tree.users) for (const m of userGroupMembers(g)) visit(m);
  for (const r of tree.kernelRoots) visit(r);
  for (const r of tree.orphanRoots) visit(r);
  for (const k of keys.values()) visit(k.id); // anything left (defensive: cycles the tree model promoted)

  const hasProcessAnchor = PROCESS_ANCHORS.some((n) => anchors[n] != null && keys.has(anchors[n]!));
  if (hasProcessAnchor) {
    addNode({ kind: 'process', id: PROCESS_NODE_ID, cluster: 'process', width: PROCESS_NODE_WIDTH, height: PROCESS_NODE_HEIGHT });
  }

  // Users first in their cluster, so ELK puts them in its first layer, left of what they own.
  for (const g of tree.users) {
    addNode({ kind: 'user', id: userNodeId(g.uid), cluster: 'users', width: USER_NODE_WIDTH, height: USER_NODE_HEIGHT, group: g, label: userLabel(g.uid, g.name) });
  }

  for (const id of order) {
    const k = keys.get(id)!;
    const gid = folded.get(id);
    if (gid) {
      nodeOfKey.set(id, gid);
      continue;
    }
    const anchorNames = anchorNamesOf(anchors, id);
    const members = k.links ?? [];
    const nid = keyNodeId(id);
    addNode({
      kind: 'key',
      id: nid,
      cluster: clusterOf.get(id) ?? 'orphan',
      width: NODE_WIDTH,
      height: anchorNames.length ? ANCHOR_NODE_HEIGHT : NODE_HEIGHT,
      key: k,
      anchors: anchorNames,
      shared: visibleParents(id).length > 1,
      hiddenMembers: members.reduce((n, m) => (keys.has(m) ? n : n + 1), 0),
    });
    nodeOfKey.set(id, nid);
    // The group node comes right after its keyring, so it sits among the keyring's members.
    if (k.links && k.links.length > threshold && !openGroups.has(id)) {
      const memberIds = k.links.filter((m) => folded.get(m) === groupNodeId(id));
      if (memberIds.length) {
        addNode({
          kind: 'group',
          id: groupNodeId(id),
          cluster: clusterOf.get(id) ?? 'orphan',
          width: NODE_WIDTH,
          height: GROUP_NODE_HEIGHT,
          ringId: id,
          memberIds,
          typeCounts: countTypes(memberIds, keys),
        });
      }
    }
  }

  if (hasProcessAnchor) {
    for (const name of PROCESS_ANCHORS) {
      const a = anchors[name];
      if (a == null || !keys.has(a)) continue;
      // One keyring can be several anchors (no thread keyring ⇒ often none; process = session is rare): one edge each is noise.
      if (edges.some((e) => e.kind === 'anchor' && e.target === keyNodeId(a))) continue;
      edges.push({ id: `a:${name}`, source: PROCESS_NODE_ID, target: keyNodeId(a), kind: 'anchor', anchor: name, shared: false, crossCluster: false });
    }
  }

  for (const g of tree.users) {
    for (const m of userGroupMembers(g)) {
      const target = nodeOfKey.get(m);
      const targetNode = target === undefined ? undefined : byId.get(target);
      if (!targetNode || edges.some((e) => e.source === userNodeId(g.uid) && e.target === target)) continue;
      edges.push({ id: `u:${g.uid}:${m}`, source: userNodeId(g.uid), target: target!, kind: 'user', member: m, shared: false, crossCluster: targetNode.cluster !== 'users' });
    }
  }

  for (const id of order) {
    const k = keys.get(id)!;
    if (!k.links || folded.has(id)) continue;
    const source = keyNodeId(id);
    const sourceCluster = byId.get(source)!.cluster;
    let groupEdge = false;
    for (const m of k.links) {
      if (!keys.has(m)) continue;
      const g = folded.get(m);
      if (g) {
        if (!groupEdge && g === groupNodeId(id)) {
          groupEdge = true;
          edges.push({ id: `ge:${id}`, source, target: g, kind: 'group', ring: id, shared: false, crossCluster: false });
        }
        continue;
      }
      const target = keyNodeId(m);
      const targetNode = byId.get(target);
      if (!targetNode) continue;
      edges.push({
        id: `l:${id}:${m}`,
        source,
        target,
        kind: 'link',
        ring: id,
        member: m,
        shared: visibleParents(m).length > 1,
        crossCluster: targetNode.cluster !== sourceCluster,
      });
    }
  }

  return { nodes, edges, byId, nodeOfKey, structureKey: structureKeyOf(nodes, edges) };
}

/** process: reachable from an anchor; users: from a user's group; kernel: from a kernel-held root; orphan: the rest. */
function assignClusters(tree: TreeModel): Map<number, ClusterId> {
  const out = new Map<number, ClusterId>();
  for (const id of tree.reachable) out.set(id, 'process');
  const spread = (roots: readonly number[], cluster: ClusterId) => {
    const stack = [...roots];
    while (stack.length) {
      const id = stack.pop()!;
      if (out.has(id) || !tree.keys.has(id)) continue;
      out.set(id, cluster);
      for (const m of tree.keys.get(id)!.links ?? []) stack.push(m);
    }
  };
  spread(tree.users.flatMap(userGroupMembers), 'users');
  spread(tree.kernelRoots, 'kernel');
  spread(tree.orphanRoots, 'orphan');
  for (const id of tree.keys.keys()) if (!out.has(id)) out.set(id, 'orphan');
  return out;
}

function countTypes(ids: readonly number[], keys: ReadonlyMap<number, KeyInfo>): [string, number][] {
  const counts = new Map<string, number>();
  for (const id of ids) {
    const t = keys.get(id)?.type ?? 'unknown';
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function structureKeyOf(nodes: readonly GraphNodeItem[], edges: readonly GraphEdgeItem[]): string {
  const n = nodes.map((x) => `${x.id}/${x.cluster[0]}/${x.width}x${x.height}`).join(',');
  const e = edges.map((x) => `${x.source}>${x.target}`).join(',');
  return `${n}|${e}`;
}

/** "312 user keys", "60 keys": the group node's title. */
export function groupTitle(g: GroupNodeItem): string {
  const n = g.memberIds.length;
  if (g.typeCounts.length === 1) return `${n} ${g.typeCounts[0]![0]} ${n === 1 ? 'key' : 'keys'}`;
  return `${n} keys`;
}

/** "298 user · 14 logon": the group node's breakdown (only when mixed). */
export function groupBreakdown(g: GroupNodeItem): string | null {
  if (g.typeCounts.length < 2) return null;
  return g.typeCounts.map(([t, c]) => `${c} ${t}`).join(' · ');
}
