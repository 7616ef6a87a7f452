/**
 * The "Service connection health" hub (issue #18), in Organization settings and Project settings.
 * The handshake with the host and the user's token come from azure-devops-extension-sdk; Azure
 * DevOps is read through the official azure-devops-extension-api clients, with the user's rights
 * (scopes `vso.build`, and `vso.project` to list projects at organization level). No server of
 * ours. Everything shown is decided by hub/model; this file only wires it.
 */
import { getClient, type ILocationService } from 'azure-devops-extension-api';
import { BuildRestClient } from 'azure-devops-extension-api/Build';
import { CoreRestClient } from 'azure-devops-extension-api/Core';
import * as SDK from 'azure-devops-extension-sdk';
import { buildHealth } from '../model/health';
import { loadReports, type ProjectRef } from '../model/load-reports';
import { buildSource, inflateRaw } from './build-source';
import { render, renderError } from './render';

/** CommonServiceIds.LocationService (a const enum, which isolated modules cannot read). */
const LOCATION_SERVICE = 'ms.vss-features.location-service';

/** The first YAML block of the README, put in by the bundler (scripts/bundle-hub.ts). */
declare const PIPELINE_YAML: string;

async function allProjects(): Promise<ProjectRef[]> {
  const core = getClient(CoreRestClient);
  const projects: ProjectRef[] = [];
  // getProjects pages by `$top`/`$skip`; a page shorter than asked is the last.
  for (let skip = 0; ; skip += 100) {
    const page = await core.getProjects(undefined, 100, skip);
    projects.push(...page.map((p) => ({ id: p.id, name: p.name })));
    if (page.length < 100) break;
  }
  return projects.sort((a, b) => a.name.localeCompare(b.name));
}

async function main(root: HTMLElement): Promise<void> {
  await SDK.init({ loaded: false, applyTheme: true });
  await SDK.ready();
  try {
    const project = SDK.getWebContext().project;
    const projects = project?.id ? [{ id: project.id, name: project.name }] : await allProjects();
    const location = await SDK.getService<ILocationService>(LOCATION_SERVICE);
    const buildRoot = await location.getResourceAreaLocation(BuildRestClient.RESOURCE_AREA_ID);
    const source = buildSource(
      getClient(BuildRestClient),
      buildRoot.endsWith('/') ? buildRoot : `${buildRoot}/`,
    );
    const loaded = await loadReports(source, projects, { inflateRaw });
    const view = buildHealth(loaded.published, Date.now());
    render(root, view, {
      scope: project?.id ? `Project ${project.name}` : `Organization ${SDK.getHost().name}`,
      projectsSearched: projects.length,
      runsRead: loaded.runsRead,
      problems: loaded.problems,
      pipelineYaml: PIPELINE_YAML,
    });
    document.body.dataset.state = view.empty ? 'empty' : 'loaded';
  } catch (error) {
    renderError(root, error instanceof Error ? error.message : String(error));
    document.body.dataset.state = 'error';
  }
  await SDK.notifyLoadSucceeded();
}

void main(document.getElementById('root')!);
