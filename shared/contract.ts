// The contract between the UI and the engine, written once: one entry per method, saying whether it
// reads or acts, what arguments it accepts (a zod schema, checked on the engine's side of every
// transport), what it answers, and, for the methods a person starts from the actions menu, its label.
//
// Everything else is derived from this table: the KeyringApi type, the Electron IPC handlers and the
// preload, serve's WebSocket dispatch, the renderer's proxies, the validation and the read-only check,
// the stand-ins that cannot act, and the UI's list of actions (the preload asks main for the names, so it
// carries none of this). Adding a method is one entry here plus its implementation in the service
// (electron/service/); docs/adding-a-method.md walks through it.
//
// Pure: zod and shared/ only (no Node, Electron or DOM).
import { z } from 'zod';
import {
  ADDABLE_KEY_TYPES,
  MAX_POLL_INTERVAL_MS,
  MIN_POLL_INTERVAL_MS,
  type ActionOutcome,
  type AddKeyRequest,
  type Capabilities,
  type IdentityNames,
  type KeyDetails,
  type KeyringEvent,
  type PayloadRead,
  type PollerStatus,
  type RecordedChanges,
  type SearchOutcome,
  type SwitchableScope,
  type VersionedSnapshot,
  SWITCHABLE_SCOPES,
} from './api';
import {
  base64ToBytes,
  checkDescription,
  checkKeyId,
  checkKeyType,
  checkPayloadSize,
  checkPermMask,
  checkTimeout,
  parseIdentity,
  type Checked,
} from './validate';

// ---------------------------------------------------------------------------------------------
// The vocabulary of the table

/** 'read' methods observe; 'action' methods change a key (or hand out a secret) and are refused on a read-only connection. */
export type MethodKind = 'read' | 'action';

declare const resultType: unique symbol;
/** The type a method answers with. Only a type: results are the engine's own, never parsed. */
export interface Returns<R> {
  readonly [resultType]?: R;
}
const returns = <R>(): Returns<R> => ({});

export interface MethodSpec {
  kind: MethodKind;
  /** The argument tuple. */
  args: z.ZodType<readonly unknown[]>;
  result: Returns<unknown>;
  /** The action's name in the UI (its button, menu item and dialog); absent for what the app calls by itself. */
  label?: string;
}

/**
 * An argument tuple whose element names document the method (`[id: number, keyring: number]`); the
 * schema must produce exactly that type, or the table does not compile.
 */
const args = <A extends unknown[]>(schema: z.ZodType<A>): z.ZodType<A> => schema;

/** A key serial as the kernel hands it out: a positive 32-bit number. */
const keySerialSchema = z.number().int().min(1).max(0x7fff_ffff);

const pollIntervalSchema = z
  .number()
  .int()
  .min(MIN_POLL_INTERVAL_MS, `the poll interval must be at least ${MIN_POLL_INTERVAL_MS} ms`)
  .max(MAX_POLL_INTERVAL_MS, `the poll interval must be at most ${MAX_POLL_INTERVAL_MS} ms`);

const noArgs = args<[]>(z.tuple([]));

/** A zod schema that runs one of shared/validate's checks, so the service refuses with the UI's reason. */
function checkedBy<T>(base: z.ZodType<T>, check: (v: T) => Checked<unknown>): z.ZodType<T> {
  return base.superRefine((value, ctx) => {
    const result = check(value);
    if (!result.ok) ctx.addIssue({ code: 'custom', message: result.reason });
  });
}

/** A keyring argument: a serial, or @t/@p/@s/@u/@us as -1..-5. */
const keyringIdSchema = checkedBy(z.number(), (v) => checkKeyId(v, true));
/** A key argument of an action: a serial, with shared/validate's reason when it is not one. */
const keyIdSchema = checkedBy(z.number(), (v) => checkKeyId(v));
const base64PayloadSchema = z
  .string()
  .max(64 * 1024)
  .superRefine((value, ctx) => {
    const bytes = base64ToBytes(value);
    if (!bytes.ok) ctx.addIssue({ code: 'custom', message: bytes.reason });
  });
/** uid/gid by number or name; names are resolved by the service. null leaves it unchanged. */
const identitySchema = z.union([z.number(), z.string().max(256), z.null()]).superRefine((value, ctx) => {
  if (typeof value === 'string') return; // names are looked up by the service
  const r = parseIdentity(value, {}, 'user');
  if (!r.ok) ctx.addIssue({ code: 'custom', message: r.reason });
});
const addKeyRequestSchema: z.ZodType<AddKeyRequest> = z
  .object({
    type: z.enum(ADDABLE_KEY_TYPES),
    description: checkedBy(z.string(), checkDescription),
    payloadBase64: z.union([base64PayloadSchema, z.null()]),
    keyring: keyringIdSchema,
  })
  .strict()
  .superRefine((req, ctx) => {
    const bytes = req.payloadBase64 === null ? new Uint8Array() : base64ToBytes(req.payloadBase64);
    const length = bytes instanceof Uint8Array ? bytes.length : bytes.ok ? bytes.value.length : 0;
    const size = checkPayloadSize(req.type, length);
    if (!size.ok) ctx.addIssue({ code: 'custom', path: ['payloadBase64'], message: size.reason });
  });

// ---------------------------------------------------------------------------------------------
// The table

/**
 * Every method, once. The order of the labelled ones is the order of the actions menu and the help.
 */
export const CONTRACT = {
  getSnapshot: { kind: 'read', args: noArgs, result: returns<VersionedSnapshot>() },
  getStatus: { kind: 'read', args: noArgs, result: returns<PollerStatus>() },
  setPollInterval: { kind: 'read', args: args<[ms: number]>(z.tuple([pollIntervalSchema])), result: returns<PollerStatus>() },
  pause: { kind: 'read', args: noArgs, result: returns<PollerStatus>() },
  resume: { kind: 'read', args: noArgs, result: returns<PollerStatus>() },
  refresh: { kind: 'read', args: noArgs, result: returns<PollerStatus>() },
  getKeyDetails: { kind: 'read', args: args<[id: number]>(z.tuple([keySerialSchema])), result: returns<KeyDetails>() },
  getIdentityNames: { kind: 'read', args: noArgs, result: returns<IdentityNames>() },
  /** What this connection may do: actions only with `serve --allow-actions` / the app's IPC allowing them. */
  getCapabilities: { kind: 'read', args: noArgs, result: returns<Capabilities>() },
  /**
   * This connection's read-only switch (every connection starts with it on). The transport holds it, not
   * the page: switching it off is refused where the connection may not act, and the desktop app's main
   * process asks the person first. Answers the capabilities after the switch, which say whether it moved.
   */
  setReadOnly: { kind: 'read', args: args<[readOnly: boolean]>(z.tuple([z.boolean()])), result: returns<Capabilities>() },
  /**
   * The desktop app's "This process | All users" switch: answers with the new capabilities (their `view`),
   * then pushes the new view's snapshot. Where the scope is fixed (serve, the helper), refused with the reason.
   * A view, not a change to any key: not an action.
   */
  setScope: { kind: 'read', args: args<[scope: SwitchableScope]>(z.tuple([z.enum(SWITCHABLE_SCOPES)])), result: returns<Capabilities>() },
  /** Starts the privileged helper through pkexec (polkit asks for the password), then shows all users. Desktop app only. */
  startHelper: { kind: 'read', args: noArgs, result: returns<Capabilities>() },
  /** A recording's changes after its first snapshot, for the replay (`open` on a recording); none elsewhere. */
  getRecordedChanges: { kind: 'read', args: noArgs, result: returns<RecordedChanges>() },

  addKey: {
    kind: 'action',
    label: 'Add key',
    args: args<[request: AddKeyRequest]>(z.tuple([addKeyRequestSchema])),
    result: returns<ActionOutcome>(),
  },
  /** Payloads travel as base64 (bytes, not text: a payload may be binary). */
  updateKey: {
    kind: 'action',
    label: 'Update',
    args: args<[id: number, payloadBase64: string]>(z.tuple([keyIdSchema, base64PayloadSchema])),
    result: returns<ActionOutcome>(),
  },
  /** A secret: read only on request, never logged or stored; a read-only connection never hands one out. */
  readPayload: {
    kind: 'action',
    label: 'Read payload',
    args: args<[id: number]>(z.tuple([keyIdSchema])),
    result: returns<PayloadRead>(),
  },
  linkKey: {
    kind: 'action',
    label: 'Link',
    args: args<[id: number, keyring: number]>(z.tuple([keyIdSchema, keyringIdSchema])),
    result: returns<ActionOutcome>(),
  },
  unlinkKey: {
    kind: 'action',
    label: 'Unlink',
    args: args<[id: number, keyring: number]>(z.tuple([keyIdSchema, keyringIdSchema])),
    result: returns<ActionOutcome>(),
  },
  moveKey: {
    kind: 'action',
    label: 'Move',
    args: args<[id: number, from: number, to: number, exclusive: boolean]>(
      z.tuple([keyIdSchema, keyringIdSchema, keyringIdSchema, z.boolean()]),
    ),
    result: returns<ActionOutcome>(),
  },
  revokeKey: { kind: 'action', label: 'Revoke', args: args<[id: number]>(z.tuple([keyIdSchema])), result: returns<ActionOutcome>() },
  invalidateKey: { kind: 'action', label: 'Invalidate', args: args<[id: number]>(z.tuple([keyIdSchema])), result: returns<ActionOutcome>() },
  clearKeyring: { kind: 'action', label: 'Clear', args: args<[id: number]>(z.tuple([keyringIdSchema])), result: returns<ActionOutcome>() },
  setKeyTimeout: {
    kind: 'action',
    label: 'Set timeout',
    args: args<[id: number, seconds: number]>(z.tuple([keyIdSchema, checkedBy(z.number(), checkTimeout)])),
    result: returns<ActionOutcome>(),
  },
  setKeyPerm: {
    kind: 'action',
    label: 'Set permissions',
    args: args<[id: number, perm: number]>(z.tuple([keyIdSchema, checkedBy(z.number(), checkPermMask)])),
    result: returns<ActionOutcome>(),
  },
  /** uid/gid as a number or a name from getIdentityNames; null leaves it unchanged. */
  chownKey: {
    kind: 'action',
    label: 'Change owner',
    args: args<[id: number, uid: number | string | null, gid: number | string | null]>(
      z.tuple([keyIdSchema, identitySchema, identitySchema]),
    ),
    result: returns<ActionOutcome>(),
  },
  /** KEYCTL_SEARCH without a destination changes nothing, and only finds what the key permissions let it. */
  searchKey: {
    kind: 'read',
    label: 'Search',
    args: args<[ring: number, type: string, description: string]>(
      z.tuple([keyringIdSchema, checkedBy(z.string(), checkKeyType), checkedBy(z.string(), checkDescription)]),
    ),
    result: returns<SearchOutcome>(),
  },
  /** uid null = this process's uid. Links the persistent keyring into `dest` and renews its expiry: a change. */
  getPersistentKeyring: {
    kind: 'action',
    label: 'Get persistent keyring',
    args: args<[uid: number | null, dest: number]>(
      z.tuple([z.union([checkedBy(z.number(), (v) => parseIdentity(v, {}, 'user')), z.null()]), keyringIdSchema]),
    ),
    result: returns<ActionOutcome>(),
  },
} as const satisfies Record<string, MethodSpec>;

// ---------------------------------------------------------------------------------------------
// What is derived from it

/** Any table of the same shape; the derived types take one so a test can check them on a made-up table. */
export type ContractTable = Record<string, MethodSpec>;
export type Contract = typeof CONTRACT;

export type ArgsOf<S extends MethodSpec> = z.output<S['args']>;
export type ResultOf<S extends MethodSpec> = S['result'] extends Returns<infer R> ? R : never;

/** One function per method of `T`, as a caller sees it (and as an implementation must provide it). */
export type MethodsOf<T extends ContractTable> = {
  [M in keyof T]: (...args: ArgsOf<T[M]>) => Promise<ResultOf<T[M]>>;
};

export type MethodName = keyof Contract;
export type MethodArgs<M extends MethodName> = ArgsOf<Contract[M]>;
export type MethodResult<M extends MethodName> = ResultOf<Contract[M]>;

/** name → { args, result }, for code that wants to talk about one method's types. */
export type KeyringMethods = { [M in MethodName]: { args: MethodArgs<M>; result: MethodResult<M> } };

/** The methods of the contract: what the service implements and what every proxy offers. */
export type ContractMethods = MethodsOf<Contract>;

/** The renderer's whole view of the engine: the methods plus the push events. */
export type KeyringApi = ContractMethods & {
  /** Listen to push events; returns the function that stops listening. */
  subscribe(listener: (event: KeyringEvent) => void): () => void;
};

/** The methods a person starts from the actions menu (those with a label). */
export type LabelledMethod = { [M in MethodName]: Contract[M] extends { label: string } ? M : never }[MethodName];
/** The label of each of them: "Add key", "Update", … */
export type ActionName = Contract[LabelledMethod]['label'];

/** Every method of the table, in its order. */
export const METHOD_NAMES = Object.keys(CONTRACT) as readonly MethodName[];

/**
 * An object with one function per method, made by `make`: complete by construction, since its keys are
 * the table's own. Stand-ins use it (every method fails the same way).
 */
export function eachMethod<F>(make: (method: MethodName) => F): Record<MethodName, F> {
  return Object.fromEntries(METHOD_NAMES.map((method) => [method, make(method)])) as Record<MethodName, F>;
}

/** The labelled methods, in the table's order. */
export const LABELLED_METHODS: readonly LabelledMethod[] = METHOD_NAMES.filter(isLabelled);

function isLabelled(method: MethodName): method is LabelledMethod {
  return 'label' in CONTRACT[method];
}

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(CONTRACT, name);
}

export function methodKind(method: MethodName): MethodKind {
  return CONTRACT[method].kind;
}

export function isActionMethod(method: MethodName): boolean {
  return methodKind(method) === 'action';
}

/** The table seen through its derived types, so a generic method's schema has that method's argument type. */
const ARGS: { readonly [M in MethodName]: { readonly args: z.ZodType<MethodArgs<M>> } } = CONTRACT;

/** The schema of a method's argument tuple. */
export function argsSchema<M extends MethodName>(method: M): z.ZodType<MethodArgs<M>> {
  return ARGS[method].args;
}

/**
 * A typed proxy: every method sends its name and arguments through `send` and answers with what the
 * other side returns. The one place a result from the wire is taken to be the table's result type:
 * the engine answering is the one implementing the same table.
 */
export function remoteMethods(send: (method: MethodName, args: readonly unknown[]) => Promise<unknown>): ContractMethods {
  return eachMethod((method) => (...args: readonly unknown[]) => send(method, args)) as ContractMethods;
}
