// The one door from a transport into the service: validate the call (method known, action allowed,
// arguments well-formed), run it, and turn any failure into an RpcError. Both serve's WebSocket and
// Electron's IPC go through here, so the read-only switch is checked in exactly one place.
import type { ContractMethods, MethodArgs, MethodName, MethodResult } from '../../shared/contract';
import { toRpcError, validateCall, type RpcResult } from '../../shared/protocol';

export interface DispatchOptions {
  /** Whether methods of kind 'action' (they change keys) may run. */
  allowActions: boolean;
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
  const allowActions = options.allowActions && own.actionsAllowed;
  const call = validateCall(method, args, allowActions);
  if (!call.ok) return call;
  if (call.method === 'getCapabilities') return { ok: true, result: { ...own, actionsAllowed: allowActions } };
  try {
    return { ok: true, result: await invoke(service, call.method, call.args) };
  } catch (err) {
    return { ok: false, error: toRpcError(err) };
  }
}

function invoke<M extends MethodName>(service: ContractMethods, method: M, args: MethodArgs<M>): Promise<MethodResult<M>> {
  return service[method](...args);
}
