/**
 * Renders the {@link HealthView}: counts, the issuer countdown, the timeline, the filterable and
 * sortable table, the changes since the previous run, the dangling federated credentials and the
 * problems met while reading. Holds only view state (sort, filter); every decision is the model's.
 */
import type { HealthView } from '../model/health';
import { filterRows, type RowFilter, type SortDirection, type SortKey, sortRows } from '../model/table';
import {
  CREDENTIAL_KINDS,
  type CredentialKind,
  HEALTH_STATUSES,
  type HealthRow,
  type HealthStatus,
} from '../model/types';
import { h, link } from './dom';
import { timelineChart } from './timeline-chart';

/** What the page knows besides the view. */
export interface PageContext {
  /** "Project Ops" or "Organization fabrikam". */
  scope: string;
  projectsSearched: number;
  runsRead: number;
  problems: string[];
  /** The pipeline YAML of the README, for the empty state. */
  pipelineYaml: string;
}

const STATUS_LABEL: Record<HealthStatus, string> = {
  failed: 'Action needed',
  expired: 'Expired',
  critical: 'Critical',
  warning: 'Warning',
  unknown: 'Unknown',
  ok: 'OK',
};

const COLUMNS: Array<{ key: SortKey; label: string }> = [
  { key: 'status', label: 'Status' },
  { key: 'daysLeft', label: 'Days left' },
  { key: 'connection', label: 'Connection' },
  { key: 'projects', label: 'Projects' },
  { key: 'kind', label: 'Kind' },
  { key: 'action', label: 'Action taken' },
  { key: 'next', label: 'Next step' },
];

function counts(view: HealthView): HTMLElement {
  return h(
    'section',
    { class: 'counts', id: 'counts', 'aria-label': 'Connections by status' },
    ...HEALTH_STATUSES.map((status) =>
      h(
        'div',
        { class: `count status-${status}`, 'data-status': status },
        h('span', { class: 'count-value' }, String(view.counts[status])),
        h('span', { class: 'count-label' }, STATUS_LABEL[status]),
      ),
    ),
  );
}

function countdown(view: HealthView): HTMLElement {
  const c = view.countdown;
  const days = c.daysLeft >= 0 ? `${c.daysLeft} days left` : `retired ${-c.daysLeft} days ago`;
  const body =
    c.connections.length === 0
      ? h('p', {}, 'No connection in these reports is on the Azure DevOps issuer.')
      : h(
          'p',
          {},
          `${c.connections.length} connection${c.connections.length === 1 ? '' : 's'} still on it: `,
          c.connections.join(', '),
          '. Run the task with action migrate to prepare the switch to the Entra issuer.',
        );
  return h(
    'section',
    { class: 'card', id: 'countdown', 'data-connections': String(c.connections.length) },
    h('h2', {}, `Azure DevOps issuer retirement: ${c.retirement.slice(0, 10)} (${days})`),
    body,
  );
}

function statusBadge(status: HealthStatus): HTMLElement {
  return h('span', { class: `badge status-${status}` }, STATUS_LABEL[status]);
}

function tableRow(row: HealthRow): HTMLElement {
  return h(
    'tr',
    { 'data-key': row.key, 'data-status': row.status, 'data-kind': row.kind },
    h('td', {}, statusBadge(row.status)),
    h('td', { class: 'num' }, row.daysLeft === null ? '—' : String(row.daysLeft)),
    h('td', { class: 'connection', title: row.detail }, row.connection),
    h('td', {}, row.projects.join(', ')),
    h('td', {}, row.kind),
    h('td', {}, row.action),
    h('td', { class: 'next' }, row.next),
    h('td', {}, link(row.run.url, `#${row.run.buildNumber}`)),
  );
}

function table(view: HealthView): HTMLElement {
  let sortKey: SortKey = 'status';
  let direction: SortDirection = 'asc';
  const filter: { text: string; status: HealthStatus | ''; kind: CredentialKind | '' } = {
    text: '',
    status: '',
    kind: '',
  };
  const body = h('tbody');
  const shown = h('span', { id: 'shown' });
  const headers = COLUMNS.map((c) =>
    h('th', { scope: 'col' }, h('button', { type: 'button', 'data-sort': c.key, class: 'sort' }, c.label)),
  );
  const refresh = () => {
    const rowFilter: RowFilter = { text: filter.text };
    if (filter.status) rowFilter.statuses = [filter.status];
    if (filter.kind) rowFilter.kinds = [filter.kind];
    const rows = sortRows(filterRows(view.rows, rowFilter), sortKey, direction);
    body.replaceChildren(...rows.map(tableRow));
    if (rows.length === 0) {
      body.append(h('tr', { class: 'none' }, h('td', { colspan: '8' }, 'No connection matches the filter.')));
    }
    shown.textContent = `${rows.length} of ${view.rows.length} connections`;
    headers.forEach((th, i) => {
      const key = COLUMNS[i]!.key;
      th.setAttribute(
        'aria-sort',
        key === sortKey ? (direction === 'asc' ? 'ascending' : 'descending') : 'none',
      );
    });
  };
  headers.forEach((th, i) => {
    th.querySelector('button')!.addEventListener('click', () => {
      const key = COLUMNS[i]!.key;
      direction = key === sortKey && direction === 'asc' ? 'desc' : 'asc';
      sortKey = key;
      refresh();
    });
  });
  const text = h('input', {
    type: 'search',
    id: 'filter-text',
    placeholder: 'Filter by name, project or next step',
  });
  text.addEventListener('input', () => {
    filter.text = text.value;
    refresh();
  });
  const status = h(
    'select',
    { id: 'filter-status', 'aria-label': 'Status' },
    h('option', { value: '' }, 'Every status'),
    ...HEALTH_STATUSES.map((s) => h('option', { value: s }, STATUS_LABEL[s])),
  );
  status.addEventListener('change', () => {
    filter.status = status.value as HealthStatus | '';
    refresh();
  });
  const kind = h(
    'select',
    { id: 'filter-kind', 'aria-label': 'Kind' },
    h('option', { value: '' }, 'Every kind'),
    ...CREDENTIAL_KINDS.map((k) => h('option', { value: k }, k)),
  );
  kind.addEventListener('change', () => {
    filter.kind = kind.value as CredentialKind | '';
    refresh();
  });
  refresh();
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, 'Connections'),
    h('div', { class: 'filters' }, text, status, kind, shown),
    h(
      'table',
      { id: 'connections' },
      h('thead', {}, h('tr', {}, ...headers, h('th', { scope: 'col' }, 'Run'))),
      body,
    ),
  );
}

function changes(view: HealthView): HTMLElement {
  const scopes = view.changes.map((s) =>
    h(
      'div',
      { class: 'scope', 'data-scope': s.key },
      h(
        'h3',
        {},
        `${s.organizationUrl} · ${s.projects.join(', ') || 'no project'}: `,
        link(s.latest.url, `#${s.latest.buildNumber}`),
        s.previous ? ' since ' : ' (first run)',
        s.previous ? link(s.previous.url, `#${s.previous.buildNumber}`) : null,
      ),
      s.changes.length === 0
        ? h('p', { class: 'quiet' }, s.previous ? 'Nothing changed.' : 'No previous run to compare with.')
        : h(
            'ul',
            {},
            ...s.changes.map((c) =>
              h('li', { 'data-change': c.kind }, h('strong', {}, c.connection), `: ${c.text}`),
            ),
          ),
    ),
  );
  return h(
    'section',
    { class: 'card', id: 'changes' },
    h('h2', {}, 'Changed since the previous run'),
    ...scopes,
  );
}

function dangling(view: HealthView): HTMLElement {
  const content =
    view.dangling.length === 0
      ? h('p', { class: 'quiet' }, 'None found (reports before federation findings list none).')
      : h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', {}, 'App'),
              h('th', {}, 'Credential'),
              h('th', {}, 'Subject'),
              h('th', {}, 'Risk'),
              h('th', {}, 'Run'),
            ),
          ),
          h(
            'tbody',
            {},
            ...view.dangling.map((f) =>
              h(
                'tr',
                {},
                h('td', { title: f.appId }, f.appName ?? f.appId),
                h('td', {}, f.name),
                h('td', {}, f.subject),
                h('td', {}, f.risk ?? ''),
                h('td', {}, link(f.run.url, `#${f.run.buildNumber}`)),
              ),
            ),
          ),
        );
  return h(
    'section',
    { class: 'card', id: 'dangling', 'data-count': String(view.dangling.length) },
    h('h2', {}, 'Dangling federated credentials'),
    h(
      'p',
      { class: 'quiet' },
      'A credential whose subject names no existing connection: a new connection with that name would inherit the app’s access. The task never deletes them.',
    ),
    content,
  );
}

function problems(context: PageContext): HTMLElement | null {
  if (context.problems.length === 0) return null;
  return h(
    'section',
    { class: 'card problems', id: 'problems' },
    h('h2', {}, 'Not read'),
    h('ul', {}, ...context.problems.map((p) => h('li', {}, p))),
  );
}

function empty(context: PageContext): HTMLElement {
  return h(
    'section',
    { class: 'card', id: 'empty' },
    h('h2', {}, 'No report yet'),
    h(
      'p',
      {},
      `No pipeline run in ${context.scope} (${context.projectsSearched} project${context.projectsSearched === 1 ? '' : 's'} searched) has published the Service Connection Rotator report. Add a scheduled pipeline with the task; each run publishes its report (input publishReport, on by default) and this page shows the newest one of each scope.`,
    ),
    h('pre', {}, h('code', {}, context.pipelineYaml)),
  );
}

/** Replaces `root`'s content with the page. */
export function render(root: HTMLElement, view: HealthView, context: PageContext): void {
  const header = h(
    'header',
    {},
    h('h1', {}, 'Service connection health'),
    h(
      'p',
      { class: 'quiet' },
      `${context.scope}: ${view.rows.length} connection${view.rows.length === 1 ? '' : 's'} from ${view.scopes.length} scope${view.scopes.length === 1 ? '' : 's'}, ${context.runsRead} run${context.runsRead === 1 ? '' : 's'} read.`,
    ),
  );
  if (view.empty) {
    root.replaceChildren(header, empty(context), ...[problems(context)].filter((x) => x !== null));
    return;
  }
  root.replaceChildren(
    header,
    counts(view),
    h(
      'section',
      { class: 'card' },
      h(
        'h2',
        {},
        `Next ${view.timeline.days} days: ${view.timeline.points.length} expir${view.timeline.points.length === 1 ? 'y' : 'ies'}`,
      ),
      timelineChart(view.timeline),
    ),
    countdown(view),
    table(view),
    changes(view),
    dangling(view),
    ...[problems(context)].filter((x) => x !== null),
  );
}

/** A failure before anything could be shown. */
export function renderError(root: HTMLElement, message: string): void {
  root.replaceChildren(
    h('header', {}, h('h1', {}, 'Service connection health')),
    h(
      'section',
      { class: 'card problems', id: 'error' },
      h('h2', {}, 'The reports could not be read'),
      h('p', {}, message),
    ),
  );
}
