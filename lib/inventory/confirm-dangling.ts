/**
 * Confirms dangling federated credentials before the report names them (spec §7). Discovery lists
 * AzureRM connections only (`type=azurerm`), but any kind of connection can sign in through the
 * same app with workload identity federation: a Docker registry or Kubernetes connection holds a
 * subject like any other. So a credential whose subject names no AzureRM connection is asked
 * about once more, of every type: by name in its project (`sc://` subjects, one request per
 * project with candidates, the names together), by id in every project in scope (Entra subjects,
 * which name no project; one request per project, only when there is such a candidate). A
 * credential is dropped when a connection answers to it; when asking fails, it stays listed and
 * the log says it is unconfirmed.
 */
import pLimit from 'p-limit';
import type { ProjectInfo } from '../devops/types';
import { nameKey } from '../federation/dangling';
import { parseAzureDevOpsSubject, parseEntraSubject } from '../federation/subjects';
import type { Logger } from '../logger';
import type { ConnectionSource } from './ports';
import type { DanglingCredential } from './types';

/** What {@link confirmDangling} needs. */
export interface ConfirmDanglingOptions {
  source: ConnectionSource;
  /** The projects in scope (by name, case-insensitively, for `sc://` subjects). */
  projects: readonly ProjectInfo[];
  logger: Logger;
  /** @default 8 */
  maxParallel?: number;
  signal?: AbortSignal;
}

/** The candidates no connection of any type answers to, in the same order. */
export async function confirmDangling(
  candidates: readonly DanglingCredential[],
  options: ConfirmDanglingOptions,
): Promise<DanglingCredential[]> {
  const find = options.source.findConnections?.bind(options.source);
  if (!find || candidates.length === 0) return [...candidates];
  const byName = new Map(options.projects.map((p) => [p.name.toLowerCase(), p]));
  // What to ask about each candidate, worked out once.
  const probes = candidates.map((candidate) => probeOf(candidate.subject, byName));
  const namesByProject = new Map<ProjectInfo, Set<string>>();
  const ids = new Set<string>();
  for (const probe of probes) {
    if (probe?.kind === 'name') {
      const set = namesByProject.get(probe.project) ?? new Set<string>();
      set.add(probe.connectionName);
      namesByProject.set(probe.project, set);
    } else if (probe?.kind === 'id') {
      ids.add(probe.id);
    }
  }

  const limit = pLimit(Math.max(1, options.maxParallel ?? 8));
  const existing = new Set<string>();
  const asks: Array<Promise<void>> = [];
  for (const [project, names] of namesByProject) {
    asks.push(
      limit(async () => {
        for (const c of await find(project, { names: [...names] }, options.signal)) {
          existing.add(nameKey(project.name, c.name));
        }
      }),
    );
  }
  if (ids.size > 0) {
    for (const project of options.projects) {
      asks.push(
        limit(async () => {
          for (const c of await find(project, { ids: [...ids] }, options.signal))
            existing.add(c.id.toLowerCase());
        }),
      );
    }
  }
  try {
    await Promise.all(asks);
  } catch (error) {
    options.signal?.throwIfAborted();
    limit.clearQueue();
    options.logger.warn(
      `Checking whether another kind of connection uses the ${candidates.length} federated credential(s) that name no AzureRM connection failed, so they are listed unconfirmed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return [...candidates];
  }
  return candidates.filter((_, i) => {
    const probe = probes[i];
    return (
      !probe ||
      !existing.has(probe.kind === 'name' ? nameKey(probe.project.name, probe.connectionName) : probe.id)
    );
  });
}

type Probe =
  | { kind: 'name'; project: ProjectInfo; connectionName: string }
  | { kind: 'id'; id: string }
  | null;

/** How to ask about a subject: by name in a project in scope, by connection id, or not at all. */
function probeOf(subject: string, projects: ReadonlyMap<string, ProjectInfo>): Probe {
  const names = parseAzureDevOpsSubject(subject);
  if (names) {
    const project = projects.get(names.project.toLowerCase());
    return project ? { kind: 'name', project, connectionName: names.connectionName } : null;
  }
  const entra = parseEntraSubject(subject);
  return entra ? { kind: 'id', id: entra.connectionId.toLowerCase() } : null;
}
