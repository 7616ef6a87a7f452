import { randomUUID } from 'node:crypto';
import type { EmulatorClock } from '../clock';
import type { FaultController } from '../faults';
import { FAULT_SHAPE_HEADER, faultOutcome } from './fault-replies';
import { type RequestLog, redactedPath } from './request-log';
import {
  type IncomingRequest,
  type Outcome,
  RESET,
  type RequestContext,
  type Route,
  type ServiceDefinition,
} from './types';

/** What dispatching needs from the emulator. */
export interface DispatchEnvironment {
  readonly clock: EmulatorClock;
  readonly faults: FaultController;
  readonly log: RequestLog;
  /** Whether `/_admin` requests appear in the request log. */
  readonly logAdmin: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function findRoute(routes: readonly Route[], method: string, path: string) {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { route, params: { ...match.groups } as Record<string, string> };
  }
  return null;
}

/**
 * Runs one request through a service: route it, name its caller, apply latency and fault rules,
 * run the handler, log the outcome. Graph `$batch` calls this for every inner request, so an item
 * gets the same routing, authorization and faults as a top-level request.
 */
export async function dispatch(
  service: ServiceDefinition,
  request: IncomingRequest,
  env: DispatchEnvironment,
  batchSeq?: number,
): Promise<Outcome> {
  const admin = service.name === 'admin';
  const slot =
    admin && !env.logAdmin
      ? null
      : env.log.begin(
          {
            time: env.clock.now().toISOString(),
            service: service.name,
            method: request.method,
            path: redactedPath(request.path, request.query),
            ...(request.peer === undefined ? {} : { peer: request.peer }),
          },
          batchSeq === undefined,
        );
  const found = findRoute(service.routes, request.method, request.path);
  const operation = found?.route.operation ?? `${service.name}.unknown`;
  const ctx: RequestContext = {
    ...request,
    service: service.name,
    operation,
    params: found?.params ?? {},
    requestId: randomUUID(),
    seq: slot?.entry.seq ?? 0,
    ...(batchSeq !== undefined ? { batchSeq } : {}),
  };
  const caller = service.identify(ctx);
  const finish = (outcome: Outcome, fault?: string) => {
    const shape = typeof outcome === 'symbol' ? undefined : outcome.headers?.[FAULT_SHAPE_HEADER];
    if (slot) {
      env.log.finish(slot, {
        operation,
        status: typeof outcome === 'symbol' ? 0 : outcome.status,
        caller,
        write: found?.route.write ?? false,
        ...(fault ? { fault } : {}),
        ...(shape ? { faultShape: shape } : {}),
        ...(batchSeq !== undefined ? { batchSeq } : {}),
      });
    }
    return outcome;
  };
  if (!found)
    return finish(
      service.error(ctx, 404, 'NotFound', `No emulated API at ${request.method} ${request.path}.`),
    );

  const decision = admin
    ? { delayMs: 0, fault: null }
    : env.faults.evaluate({
        service: service.name,
        operation,
        method: request.method,
        target: found.route.target?.(ctx) ?? {},
      });
  // Network latency is paid once per HTTP request: requests inside a $batch run server-side.
  const delay = (admin || batchSeq !== undefined ? 0 : env.faults.latencyMs) + decision.delayMs;
  if (delay > 0) await sleep(delay);

  const fault = decision.fault;
  if (fault?.kind === 'drop_key') {
    // Carried out by the handler (a write that silently loses part of what it was sent).
    return finish(await found.route.handle({ ...ctx, fault }), fault.kind);
  }
  if (fault && !fault.afterEffect) return finish(faultOutcome(fault, service, ctx, null), fault.kind);
  let reply: Outcome;
  try {
    reply = await found.route.handle(ctx);
  } catch (error) {
    // A bug in the emulator, not a modelled failure: answer 500 and say so (no secrets in messages).
    const message = error instanceof Error ? error.message : String(error);
    reply = service.error(ctx, 500, 'InternalServerError', `Emulator error: ${message}`);
  }
  if (fault) return finish(faultOutcome(fault, service, ctx, reply === RESET ? null : reply), fault.kind);
  return finish(reply);
}
