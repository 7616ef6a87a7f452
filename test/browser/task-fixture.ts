/**
 * Fixtures made by the real task: the bundled task run as the agent runs it against the emulator's
 * demo organization, and its `##vso[artifact.upload]` and `##vso[build.addbuildtag]` commands
 * turned into what Azure DevOps would then hold, a tagged build whose artifact zip has the
 * uploaded file under its container folder. So the page reads what the task really publishes.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TaskRun } from '../../scripts/agent/run-task';
import { zipArchive } from '../support/zip-writer';
import type { FixtureRun } from './test-host';

/** The build a task run would have made, numbered `id`, finished at `finishTime`. */
export function runFromTask(
  task: TaskRun,
  id: number,
  definition: { id: number; name: string },
  finishTime: string,
): FixtureRun {
  const files = new Map<string, Array<{ name: string; data: Buffer }>>();
  const tags: string[] = [];
  for (const c of task.commands) {
    if (c.command === 'build.addbuildtag') tags.push(c.message);
    if (c.command !== 'artifact.upload') continue;
    const artifact = c.properties.artifactname ?? '';
    const list = files.get(artifact) ?? [];
    // The agent uploads the file into the container folder under its own name.
    list.push({
      name: `${c.properties.containerfolder}/${path.basename(c.message)}`,
      data: fs.readFileSync(c.message),
    });
    files.set(artifact, list);
  }
  const artifacts: Record<string, Buffer> = {};
  for (const [name, entries] of files) artifacts[name] = zipArchive(entries);
  return { id, buildNumber: `20261204.${id}`, definition, finishTime, tags, artifacts };
}
