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
  const namesByProject = new Map<ProjectInfo, Set<string>>();
  const ids = new Set<string>();
  for (const candidate of candidates) {
    const names = parseAzureDevOpsSubject(candidate.subject);
    const project = names ? byName.get(names.project.toLowerCase()) : undefined;
    if (names && project) {
      const set = namesByProject.get(project) ?? new Set<string>();
      set.add(names.connectionName);
      namesByProject.set(project, set);
      continue;
    }
    const entra = parseEntraSubject(candidate.subject);
    if (entra) ids.add(entra.connectionId.toLowerCase());
  }

  const limit = pLimit(Math.max(1, options.maxParallel ?? 8));
  const existingNames = new Set<string>();
  const existingIds = new Set<string>();
  const asks: Array<Promise<void>> = [];
  for (const [project, names] of namesByProject) {
    asks.push(
      limit(async () => {
        for (const c of await find(project, { names: [...names] }, options.signal)) {
          existingNames.add(key(project.name, c.name));
        }
      }),
    );
  }
  if (ids.size > 0) {
    for (const project of options.projects) {
      asks.push(
        limit(async () => {
          for (const c of await find(project, { ids: [...ids] }, options.signal)) {
            existingIds.add(c.id.toLowerCase());
          }
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

  return candidates.filter((candidate) => {
    const names = parseAzureDevOpsSubject(candidate.subject);
    if (names) return !existingNames.has(key(names.project, names.connectionName));
    const entra = parseEntraSubject(candidate.subject);
    return !(entra && existingIds.has(entra.connectionId.toLowerCase()));
  });
}

function key(project: string, connection: string): string {
  return `${project.toLowerCase()}\u0000${connection.toLowerCase()}`;
}
