// The keyring graph as the graph view draws it: nodes for "this process", keyrings and keys, edges
// keyring → member, and three clusters (what this process reaches, kernel-held keyrings, the rest).
// Pure: built from the tree's model (parents, reachability, kernel/orphan roots), so both views agree
// on what is shared and what is kernel-held.
//
// Big keyrings fold their private members (keys and keyrings whose only parent in the graph is that
// keyring, with whatever hangs only below them) into one group node ("312 user keys") so a
// bench-sized keyring does not become a wall of boxes; `openGroups` lists the keyrings the user
// unfolded. `include` restricts the graph to some keys (this process's, a search, a neighbourhood).
// buildBoundedGraphModel folds earlier and earlier until the graph fits a node budget, and cuts what
// still does not fit: a picture must come at any size.
//
// `structureKey` names everything the layout depends on (nodes, their sizes and clusters, edges).
// Two models with the same key share one layout: status and usage ticks change node data only.
import { userLabel } from '../../../shared/quota';
import type { QuotaGap } from '../../../shared/quotaGap';
import { ANCHOR_ORDER, type AnchorName, type KeyInfo } from '../../../shared/snapshot';
import { userGroupMembers, type UserGroup } from '../../../shared/userGroups';
import { anchorNamesOf, isKeyring, type TreeModel } from '../tree/model';
import { compareByName } from '../tree/keyOrder';
import { quotaGapOf } from '../users/quotaGapOf';
import { counted } from '../../../shared/text';

/** A keyring with at least this many members in the graph folds its private members into a group node. */
export const FOLD_AT = 50;
/** Folding thresholds tried in turn until the graph fits its node budget: leaf keys first, then keyrings too. */
export const FOLD_LADDER: readonly number[] = [FOLD_AT, 20, 10, 5, 2];
/**
 * The most nodes the graph lays out: past a thousand boxes the picture is unreadable at any zoom that
 * shows it whole, and the browser draws each of them (the layout itself takes milliseconds).
 */
export const MAX_GRAPH_NODES = 1000;

/**
 * A key node's width: its first line carries the icon, the role tag and the type before the description,
 * which keeps about 16 characters (126 px) here; at 212 px Kerberos tickets of one realm read "k…@EXAMPL".
 */
export const NODE_WIDTH = 240;
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
  // Not "not reachable": a key possessed through a keyring this process may not view has no path it can see.
  orphan: 'No path from this process that it can see',
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
  /** The keyring whose private members are folded here. */
  ringId: number;
  /** Its members folded here, in the graph's member order. */
  memberIds: readonly number[];
  /** Every key the group stands for: its members and what hangs only below the folded keyrings among them. */
  innerIds: readonly number[];
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
  /** Its bytes charged against what its keys in the tree's key map cost, as the tree's user row has it (users/quotaGapOf.ts); null without a quota line. */
  gap: QuotaGap | null;
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
  /** The folding threshold used (FOLD_AT unless the node budget asked for less) … */
  foldAt: number;
  /** … and whether member keyrings were folded too. */
  foldKeyrings: boolean;
  /** Keys the graph was asked to show (all keys, or `include`'s) … */
  keysAsked: number;
  /** … and how many of them the node budget cut (neither a node nor inside a group). */
  keysCut: number;
}

export const keyNodeId = (id: number): string => `k:${id}`;
export const userNodeId = (uid: number): string => `u:${uid}`;
export const groupNodeId = (ringId: number): string => `g:${ringId}`;

/** Anchors "this process" points at: the ones it holds in its credentials. */
const PROCESS_ANCHORS: readonly AnchorName[] = ['thread', 'process', 'session'];

export interface GraphModelOptions {
  /** Keyrings whose fold the user opened. */
  openGroups?: ReadonlySet<number>;
  /** Fold keyrings with at least this many members in the graph (tests and the bench may change it). */
  foldAt?: number;
  /**
   * Fold member keyrings too (with what hangs only below them), not just leaf keys. Off by default:
   * the keyrings are the structure a reader looks for; the node budget turns it on when needed.
   */
  foldKeyrings?: boolean;
  /** Only these keys (and the links among them); every key when absent. */
  include?: ReadonlySet<number> | null;
}

/** What every fold setting shares: computed once per (tree, include), reused along FOLD_LADDER. */
interface GraphInput {
  tree: TreeModel;
  include: ReadonlySet<number> | null;
  inGraph(id: number): boolean;
  /** A keyring's members in the graph, in kernel order (cached). */
  membersOf(id: number): readonly number[];
  /** How many of a key's parents are in the graph. */
  graphParentCount(id: number): number;
  clusterOf: ReadonlyMap<number, ClusterId>;
  /** How many keys the graph is asked to show. */
  asked: number;
}

const clustersByTree = new WeakMap<TreeModel, Map<number, ClusterId>>();

// Written for 20,000 keys on a busy machine, where this runs when the graph opens and on every poll
// that changes the structure: no per-key sorting, strings or caches for keys that end up folded.
function graphInput(tree: TreeModel, include: ReadonlySet<number> | null): GraphInput {
  const { keys, parents } = tree;
  const inGraph = include ? (id: number) => include.has(id) && keys.has(id) : (id: number) => keys.has(id);
  const members = new Map<number, number[]>();
  let clusterOf = clustersByTree.get(tree);
  if (!clusterOf) clustersByTree.set(tree, (clusterOf = assignClusters(tree)));
  let asked = keys.size;
  if (include) {
    asked = 0;
    for (const id of include) if (keys.has(id)) asked++;
  }
  return {
    tree,
    include,
    inGraph,
    membersOf(id) {
      let m = members.get(id);
      if (!m) {
        m = (keys.get(id)?.links ?? []).filter(inGraph);
        members.set(id, m);
      }
      return m;
    },
    graphParentCount(id) {
      const ps = parents.get(id);
      if (!ps) return 0;
      if (ps.length === 1) return inGraph(ps[0]!) ? 1 : 0;
      return ps.reduce((c, p) => (inGraph(p) ? c + 1 : c), 0);
    },
    clusterOf,
    asked,
  };
}

export function buildGraphModel(tree: TreeModel, opts: GraphModelOptions = {}): GraphModel {
  return buildFrom(graphInput(tree, opts.include ?? null), opts)!;
}

/** With `giveUpAbove`: null as soon as the graph is known to have more nodes than that (nothing built). */
function buildFrom(input: GraphInput, opts: GraphModelOptions, giveUpAbove = Infinity): GraphModel | null {
  const { tree, inGraph, membersOf, graphParentCount, clusterOf } = input;
  const { keys, parents, anchors } = tree;
  const openGroups = opts.openGroups ?? new Set<number>();
  const foldAt = opts.foldAt ?? FOLD_AT;
  const foldKeyrings = opts.foldKeyrings ?? false;
  const visibleParents = (id: number) => (parents.get(id) ?? []).filter((p) => keys.has(p));

  const nodes: GraphNodeItem[] = [];
  const edges: GraphEdgeItem[] = [];
  const byId = new Map<string, GraphNodeItem>();
  const nodeOfKey = new Map<number, string>();
  /** Members folded into their keyring's group: member id → keyring id. */
  const folded = new Map<number, number>();
  const foldedOf = new Map<number, number[]>();

  // Decide the folds first: a member is folded when its only parent in the graph is a big, closed
  // keyring. Shared keys stay visible: they are the interesting ones; so do anchors (`_uid.0` is
  // often linked from the session keyring only). A group of one is no group.
  const anchorIds = new Set(ANCHOR_ORDER.map((n) => anchors[n]).filter((a): a is number => a != null));
  for (const k of keys.values()) {
    if (!k.links || k.links.length < foldAt || !inGraph(k.id) || openGroups.has(k.id)) continue;
    const members = membersOf(k.id);
    if (members.length < foldAt) continue;
    const own = members.filter((m) => graphParentCount(m) === 1 && !anchorIds.has(m) && (foldKeyrings || !isKeyring(keys.get(m))));
    if (own.length < 2) continue;
    for (const m of own) folded.set(m, k.id);
    foldedOf.set(k.id, own);
  }

  // Each drawn keyring's members that are drawn too, sorted (keyrings first, then by description).
  const drawnMembers = new Map<number, number[]>();
  const drawnMembersOf = (id: number): number[] => {
    let m = drawnMembers.get(id);
    if (!m) {
      m = membersOf(id).filter((x) => !folded.has(x)).sort((a, b) => compareByName(keys.get(a)!, keys.get(b)!));
      drawnMembers.set(id, m);
    }
    return m;
  };

  const addNode = (n: GraphNodeItem) => {
    nodes.push(n);
    byId.set(n.id, n);
  };

  // Nodes in model order: a walk from the anchors in search order, members in the graph's order, then
  // kernel-held and orphan roots. The layouts start from this order, so the picture reads like the tree.
  const order: number[] = [];
  const seen = new Set<number>();
  const visit = (start: number) => {
    const stack = [start];
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id) || !inGraph(id) || folded.has(id)) continue;
      seen.add(id);
      order.push(id);
      if (!keys.get(id)!.links) continue;
      const members = drawnMembersOf(id);
      for (let i = members.length - 1; i >= 0; i--) if (!seen.has(members[i]!)) stack.push(members[i]!);
    }
  };
  for (const name of ANCHOR_ORDER) {
    const a = anchors[name];
    if (a != null) visit(a);
  }
  // The system view's users: all of them when the graph shows every key, else those with a key in it.
  const users = input.include ? tree.users.filter((g) => userGroupMembers(g).some(inGraph)) : tree.users;
  for (const g of users) for (const m of userGroupMembers(g)) visit(m);
  for (const r of tree.kernelRoots) visit(r);
  for (const r of tree.orphanRoots) visit(r);
  // Caches the tree shows under an unreadable krb5 collection (inferred): drawn with the orphans, as no link is known.
  for (const r of tree.probable.byCache.keys()) visit(r);

  // The groups: the folded members, and (folding keyrings) what hangs only below them.
  const innerOf = new Map<number, number[]>();
  for (const [ring, own] of foldedOf) {
    if (!seen.has(ring)) continue;
    const gid = groupNodeId(ring);
    if (!foldKeyrings) {
      for (const m of own) nodeOfKey.set(m, gid); // leaves: nothing below them
      innerOf.set(ring, own);
      continue;
    }
    const inner: number[] = [];
    const stack = [...own].reverse();
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id) || nodeOfKey.has(id) || !inGraph(id)) continue;
      nodeOfKey.set(id, gid);
      inner.push(id);
      if (!keys.get(id)!.links) continue;
      const members = membersOf(id);
      for (let i = members.length - 1; i >= 0; i--) stack.push(members[i]!);
    }
    innerOf.set(ring, inner);
  }
  // Anything left (defensive: cycles the tree model promoted, folds under a keyring not drawn).
  if (seen.size + nodeOfKey.size < input.asked) {
    for (const k of keys.values()) {
      if (nodeOfKey.has(k.id) || seen.has(k.id)) continue;
      folded.delete(k.id);
      drawnMembers.clear();
      visit(k.id);
    }
  }

  const hasProcessAnchor = PROCESS_ANCHORS.some((n) => anchors[n] != null && inGraph(anchors[n]!));
  let groups = 0;
  for (const [ring, inner] of innerOf) if (inner.length && seen.has(ring)) groups++;
  if (order.length + groups + users.length + (hasProcessAnchor ? 1 : 0) > giveUpAbove) return null;
  if (hasProcessAnchor) {
    addNode({ kind: 'process', id: PROCESS_NODE_ID, cluster: 'process', width: PROCESS_NODE_WIDTH, height: PROCESS_NODE_HEIGHT });
  }

  // Users first in their cluster, so the layout puts them in its first column, left of what they own.
  for (const g of users) {
    addNode({
      kind: 'user',
      id: userNodeId(g.uid),
      cluster: 'users',
      width: USER_NODE_WIDTH,
      height: USER_NODE_HEIGHT,
      group: g,
      label: userLabel(g.uid, g.name),
      // Over all the tree's keys, not the graph's `include`: a user's charge is what all its visible keys cost.
      gap: quotaGapOf(keys, g),
    });
  }

  for (const id of order) {
    const k = keys.get(id)!;
    const anchorNames = anchorNamesOf(anchors, id);
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
      hiddenMembers: (k.links ?? []).reduce((n, m) => (keys.has(m) ? n : n + 1), 0),
    });
    nodeOfKey.set(id, nid);
    // The group node comes right after its keyring, so it sits among the keyring's members.
    const own = foldedOf.get(id);
    const inner = innerOf.get(id);
    if (own && inner?.length) {
      const gid = groupNodeId(id);
      const memberIds = inner === own ? own : own.filter((m) => nodeOfKey.get(m) === gid);
      addNode({
        kind: 'group',
        id: groupNodeId(id),
        cluster: clusterOf.get(id) ?? 'orphan',
        width: NODE_WIDTH,
        height: GROUP_NODE_HEIGHT,
        ringId: id,
        memberIds,
        innerIds: inner,
        typeCounts: countTypes(memberIds, keys),
      });
    }
  }

  if (hasProcessAnchor) {
    for (const name of PROCESS_ANCHORS) {
      const a = anchors[name];
      if (a == null || !inGraph(a)) continue;
      // One keyring can be several anchors (no thread keyring ⇒ often none; process = session is rare): one edge each is noise.
      if (edges.some((e) => e.kind === 'anchor' && e.target === keyNodeId(a))) continue;
      edges.push({ id: `a:${name}`, source: PROCESS_NODE_ID, target: keyNodeId(a), kind: 'anchor', anchor: name, shared: false, crossCluster: false });
    }
  }

  for (const g of users) {
    const linked = new Set<string>(); // several folded members share one group node: one edge
    for (const m of userGroupMembers(g)) {
      const target = nodeOfKey.get(m);
      const targetNode = target === undefined ? undefined : byId.get(target);
      if (!targetNode || linked.has(target!)) continue;
      linked.add(target!);
      edges.push({ id: `u:${g.uid}:${m}`, source: userNodeId(g.uid), target: target!, kind: 'user', member: m, shared: false, crossCluster: targetNode.cluster !== 'users' });
    }
  }

  for (const id of order) {
    if (!keys.get(id)!.links) continue;
    const source = keyNodeId(id);
    const sourceCluster = byId.get(source)!.cluster;
    for (const m of drawnMembersOf(id)) {
      const target = nodeOfKey.get(m);
      const targetNode = target ? byId.get(target) : undefined;
      if (!targetNode || targetNode.kind !== 'key') continue;
      edges.push({
        id: `l:${id}:${m}`,
        source,
        target: targetNode.id,
        kind: 'link',
        ring: id,
        member: m,
        shared: visibleParents(m).length > 1,
        crossCluster: targetNode.cluster !== sourceCluster,
      });
    }
    // After the drawn members (member keyrings come first in the tree's order, the folded keys are leaves).
    const gid = groupNodeId(id);
    if (byId.has(gid)) edges.push({ id: `ge:${id}`, source, target: gid, kind: 'group', ring: id, shared: false, crossCluster: false });
  }

  return {
    nodes,
    edges,
    byId,
    nodeOfKey,
    structureKey: structureKeyOf(nodes, edges),
    foldAt,
    foldKeyrings,
    keysAsked: input.asked,
    keysCut: 0,
  };
}

/**
 * The graph within `maxNodes`: leaf keys folded at FOLD_AT, else at each lower threshold of
 * FOLD_LADDER in turn, then the same with member keyrings folded too; and if even the last is too big
 * (groups the user opened, or thousands of keyrings in a chain), the nodes farthest from the roots
 * are cut (`keysCut` says how many keys that hides).
 */
export function buildBoundedGraphModel(tree: TreeModel, opts: GraphModelOptions & { maxNodes?: number } = {}): GraphModel {
  const maxNodes = opts.maxNodes ?? MAX_GRAPH_NODES;
  const first = opts.foldAt ?? FOLD_AT;
  const thresholds = [first, ...FOLD_LADDER.filter((t) => t < first)];
  const input = graphInput(tree, opts.include ?? null);
  for (const foldKeyrings of [false, true]) {
    for (const foldAt of thresholds) {
      const model = buildFrom(input, { ...opts, foldAt, foldKeyrings }, maxNodes);
      if (model) return model;
    }
  }
  return cutToBudget(buildFrom(input, { ...opts, foldAt: thresholds[thresholds.length - 1], foldKeyrings: true })!, maxNodes);
}

/** Keeps the `maxNodes` nodes nearest the roots (breadth first over the graph's edges), in model order. */
function cutToBudget(model: GraphModel, maxNodes: number): GraphModel {
  const out = new Map<string, string[]>();
  const hasIn = new Set<string>();
  for (const e of model.edges) {
    if (e.crossCluster) continue;
    (out.get(e.source) ?? out.set(e.source, []).get(e.source)!).push(e.target);
    hasIn.add(e.target);
  }
  const depth = new Map<string, number>();
  let frontier = model.nodes.filter((n) => !hasIn.has(n.id)).map((n) => n.id);
  for (const id of frontier) depth.set(id, 0);
  for (let d = 1; frontier.length; d++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const t of out.get(id) ?? []) {
        if (depth.has(t)) continue;
        depth.set(t, d);
        next.push(t);
      }
    }
    frontier = next;
  }
  const ranked = model.nodes.map((n, i) => ({ n, i, d: depth.get(n.id) ?? Infinity }));
  ranked.sort((a, b) => a.d - b.d || a.i - b.i);
  const keep = new Set(ranked.slice(0, maxNodes).map((r) => r.n.id));
  const nodes = model.nodes.filter((n) => keep.has(n.id));
  const edges = model.edges.filter((e) => keep.has(e.source) && keep.has(e.target));
  const nodeOfKey = new Map<number, string>();
  for (const [key, node] of model.nodeOfKey) if (keep.has(node)) nodeOfKey.set(key, node);
  return {
    ...model,
    nodes,
    edges,
    byId: new Map(nodes.map((n) => [n.id, n])),
    nodeOfKey,
    structureKey: structureKeyOf(nodes, edges),
    keysCut: model.nodeOfKey.size - nodeOfKey.size,
  };
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

/** "312 user keys", "400 keyrings", "60 keys": the group node's title. */
export function groupTitle(g: GroupNodeItem): string {
  const n = g.memberIds.length;
  const only = g.typeCounts.length === 1 ? g.typeCounts[0]![0] : null;
  if (only === 'keyring') return counted(n, 'keyring');
  if (only) return counted(n, `${only} key`);
  return counted(n, 'key');
}

/** "+ 20,000 keys inside": what the folded keyrings among the members hold (null when none). */
export function groupInside(g: GroupNodeItem): string | null {
  const n = g.innerIds.length - g.memberIds.length;
  return n > 0 ? `+ ${counted(n, 'key')} inside` : null;
}

/** "298 user · 14 logon": the group node's breakdown (only when mixed). */
export function groupBreakdown(g: GroupNodeItem): string | null {
  if (g.typeCounts.length < 2) return null;
  return g.typeCounts.map(([t, c]) => `${c} ${t}`).join(' · ');
}
