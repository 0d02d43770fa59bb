// The one door from a transport into the service: validate the call (method known, action allowed,
// arguments well-formed), run it, and turn any failure into an RpcError. Both serve's WebSocket and
// Electron's IPC go through here, so the read-only switch is checked in exactly one place.
import type { ContractMethods, MethodArgs, MethodName, MethodResult } from '../../shared/contract';
import { toRpcError, validateCall, type RpcResult, type ValidCall } from '../../shared/protocol';
import type { Capabilities } from '../../shared/api';

/**
 * One connection's read-only switch, held by the transport (Electron's main process, one serve
 * connection), never by the page: a page that skips its own switch still cannot act while it is on.
 */
export interface ReadOnlySwitch {
  on: boolean;
  /**
   * Asked before the switch goes off; false keeps it on. The desktop app asks the person in a native
   * dialog the page cannot answer; serve has no one to ask (its --allow-actions was the decision).
   */
  confirmOff?: () => Promise<boolean>;
}

/** A switch that starts on: every connection starts read-only, whatever it is allowed to do. */
export function readOnlySwitch(confirmOff?: () => Promise<boolean>): ReadOnlySwitch {
  return { on: true, confirmOff };
}

export interface DispatchOptions {
  /** Whether methods of kind 'action' (they change keys) may run on this connection at all. */
  allowActions: boolean;
  /** The connection's switch; without one only allowActions decides (a test, a trusted in-process caller). */
  readOnly?: ReadOnlySwitch;
}

export async function dispatchCall(
  service: ContractMethods,
  method: unknown,
  args: unknown,
  options: DispatchOptions,
): Promise<RpcResult<unknown>> {
  // The transport knows whether its connection may act; the service knows where its keys come from (a saved
  // file never acts). Both must allow an action; the renderer asks so it can show the read-only switch.
  const own = await service.getCapabilities();
  const allowed = options.allowActions && own.actionsAllowed;
  const readOnly = options.readOnly;
  const switchedOn = readOnly?.on ?? false;
  const call = validateCall(method, args, allowed && !switchedOn, allowed ? 'the read-only switch is on' : undefined);
  if (!call.ok) return call;
  const capabilities = (): Capabilities => ({ ...own, actionsAllowed: allowed, readOnly: !allowed || (readOnly?.on ?? false) });
  if (call.method === 'getCapabilities') return { ok: true, result: capabilities() };
  if (call.method === 'setReadOnly') {
    const [wanted] = call.args as MethodArgs<'setReadOnly'>; // validated: the table's schema is [boolean]
    if (!readOnly) return { ok: true, result: capabilities() };
    if (wanted) readOnly.on = true;
    else if (!allowed) return { ok: false, error: { code: 'forbidden', message: 'this connection does not allow changes to keys' } };
    else if (readOnly.on) readOnly.on = !(await confirmed(readOnly));
    return { ok: true, result: capabilities() };
  }
  try {
    return { ok: true, result: await invoke(service, call) };
  } catch (err) {
    return { ok: false, error: toRpcError(err) };
  }
}

/** A confirmation that fails (a dialog that could not open) keeps the switch on. */
async function confirmed(readOnly: ReadOnlySwitch): Promise<boolean> {
  if (!readOnly.confirmOff) return true;
  try {
    return (await readOnly.confirmOff()) === true;
  } catch {
    return false;
  }
}

function invoke<M extends MethodName>(service: ContractMethods, call: ValidCall<M>): Promise<MethodResult<M>> {
  return service[call.method](...call.args);
}
