/**
 * The parent side of the Azure DevOps extension frame, for the browser test: a page that loads the
 * hub in an iframe and answers what azure-devops-extension-sdk asks its parent over postMessage
 * (read from the SDK's XDM.js: JSON messages `{id, methodName, instanceId, params, handshakeToken}`,
 * answered with `{id, result | error, handshakeToken}`; functions of a returned service travel as
 * `{__proxyFunctionId}` and are called back on the instance `__proxyFunctions`). It answers the
 * handshake (the page context with or without a project), `getService` for the location service,
 * `getAccessToken`, and records `notifyLoadSucceeded`. Written for this test, not the real host.
 */

/** What the host tells the page. */
export interface HostConfig {
  /** Where the hub's index.html is served. */
  hubUrl: string;
  /** The organization's root URL, with a trailing slash (the location service's answer). */
  root: string;
  organization: { id: string; name: string };
  /** The project of a Project settings page; null in Organization settings. */
  project: { id: string; name: string } | null;
  contributionId: string;
  token: string;
}

const SCRIPT = `
const cfg = window.__hostConfig;
const frame = document.getElementById('hub');
const state = (window.__host = { calls: [], loaded: false, failed: null, errors: [] });
const proxies = {};
let nextProxy = 1;
const services = {
  'ms.vss-features.location-service': {
    getResourceAreaLocation: () => cfg.root,
    getServiceLocation: () => cfg.root,
  },
};
function withProxies(service) {
  if (!service) return null;
  const out = {};
  for (const [name, value] of Object.entries(service)) {
    if (typeof value !== 'function') continue;
    const id = nextProxy++;
    proxies['proxy' + id] = value;
    out[name] = { __proxyFunctionId: id, _channelId: 1 };
  }
  return out;
}
const handlers = {
  'DevOps.HostControl': {
    initialHandshake: () => ({
      contributionId: cfg.contributionId,
      initialConfig: {},
      themeData: { 'background-color': 'rgb(248, 248, 248)', 'text-primary-color': 'rgba(0, 0, 0, 0.9)' },
      context: {
        extension: { publisherId: 'sc-rotator', extensionId: 'service-connection-rotator', version: '1.0.0' },
        user: { id: 'u-1', name: 'admin@fabrikam.example', displayName: 'Ada Admin', descriptor: 'aad.x', imageUrl: '' },
        host: { id: cfg.organization.id, name: cfg.organization.name, serviceVersion: 'test', type: 4, isHosted: true },
        pageContext: {
          webContext: { project: cfg.project, team: null },
          globalization: { culture: 'en-US' },
          timeZonesConfiguration: {},
        },
      },
    }),
    getAccessToken: () => ({ token: cfg.token }),
    getAppToken: () => ({ token: cfg.token }),
    notifyLoadSucceeded: () => { state.loaded = true; },
    notifyLoadFailed: (e) => { state.failed = String((e && e.message) || e); },
    resize: () => undefined,
  },
  'DevOps.ServiceManager': { getService: (id) => withProxies(services[id]) },
  __proxyFunctions: new Proxy({}, { get: (_, name) => proxies[name] }),
};
window.addEventListener('message', async (event) => {
  if (event.source !== frame.contentWindow || typeof event.data !== 'string') return;
  let message;
  try { message = JSON.parse(event.data); } catch { return; }
  if (!message || !message.instanceId) return;
  state.calls.push(message.instanceId + '.' + message.methodName);
  const reply = (body) =>
    frame.contentWindow.postMessage(JSON.stringify({ id: message.id, handshakeToken: message.handshakeToken, ...body }), '*');
  const method = handlers[message.instanceId] && handlers[message.instanceId][message.methodName];
  if (typeof method !== 'function') {
    state.errors.push('no handler: ' + message.instanceId + '.' + message.methodName);
    reply({ error: { message: 'no handler for ' + message.methodName } });
    return;
  }
  try {
    reply({ result: await method(...(message.params || [])) });
  } catch (e) {
    reply({ error: { message: String(e) } });
  }
});
frame.src = cfg.hubUrl;
`;

/** The host page for `config`. */
export function hostPage(config: HostConfig): string {
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Azure DevOps (test host)</title>
<style>body{margin:0;font-family:sans-serif}header{background:#0078d4;color:#fff;padding:8px 16px}iframe{border:0;width:100%;height:1400px;display:block}</style>
</head><body>
<header>${config.project ? `Project settings · ${config.project.name}` : `Organization settings · ${config.organization.name}`} · Service connection health</header>
<iframe id="hub" title="Service connection health"></iframe>
<script>window.__hostConfig = ${json};</script>
<script>${SCRIPT}</script>
</body></html>`;
}
