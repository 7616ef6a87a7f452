/**
 * Bundles the task into one CommonJS file: `node dist/scripts/bundle-task.js OUT_FILE`.
 * `package.ts` runs it in a child process: the plugin below needs esbuild's asynchronous API, and
 * packaging is synchronous for its callers.
 *
 * azure-devops-node-api's `WebApi` requires every REST client of the package when it loads (Git,
 * Build, Release, Test, …), though the task only uses the core, service endpoint and location
 * clients. Those unused clients were 1.0 MB of the 1.7 MB bundle, parsed and run on every task
 * start: about 100 ms of a cold start of 270 ms (bench/, issue #8). They are replaced here by a
 * module that fails loudly if anything ever touches it, so a future use shows up in the task
 * tests instead of in a pipeline.
 *
 * Two dependencies most runs never load are files of their own beside `index.js`, required from
 * it only when needed: `undici.js` (the proxy and CA-file path, lib/http/network.ts) and `x509.js`
 * (certificate generation, lib/certificates/x509-module.ts). They were 950 KB of the 1.8 MB
 * bundle that every task start parsed and partly ran; without them index.js is 860 KB and a cold
 * start measured 150–210 ms instead of 320–380 ms here (bench/, the cold start budget of issue #8).
 */
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const ROOT = path.resolve(__dirname, '..', '..');
const ENTRY = path.join(ROOT, 'tasks', 'ServiceConnectionRotatorV1', 'index.ts');

/** The node-api clients the library uses (`DevOpsSession`, and `WebApi`'s resource area lookup). */
export const BUNDLED_NODE_API_CLIENTS: ReadonlySet<string> = new Set([
  'CoreApi',
  'ServiceEndpointApi',
  'LocationsApi',
]);

const unusedNodeApiClients: Plugin = {
  name: 'unused-node-api-clients',
  setup(builder) {
    const webApi = path.join('azure-devops-node-api', 'WebApi.js');
    builder.onResolve({ filter: /^\.\/[A-Za-z]+Api$/ }, (args) => {
      if (!args.importer.endsWith(webApi)) return undefined;
      const client = args.path.slice(2);
      return BUNDLED_NODE_API_CLIENTS.has(client)
        ? undefined
        : { path: client, namespace: 'unused-node-api' };
    });
    builder.onLoad({ filter: /.*/, namespace: 'unused-node-api' }, (args) => ({
      loader: 'js',
      // WebApi only reads these inside the factory methods the library never calls.
      contents: `module.exports = new Proxy({}, { get(_, key) { throw new Error('azure-devops-node-api/${args.path} is not in the task bundle (scripts/bundle-task.ts); asked for ' + String(key)); } });`,
    }));
  },
};

/** The files loaded on demand, by what the library requires, and what each is built from. */
export const LAZY_CHUNKS = [
  { file: 'undici.js', request: /^undici$/, entry: require.resolve('undici') },
  {
    file: 'x509.js',
    request: /^\.\/x509-module$/,
    entry: path.join(ROOT, 'lib', 'certificates', 'x509-module.ts'),
  },
] as const;

const lazyChunks: Plugin = {
  name: 'lazy-chunks',
  setup(builder) {
    for (const chunk of LAZY_CHUNKS) {
      // Required relative to index.js at run time: the chunk sits beside it.
      builder.onResolve({ filter: chunk.request }, () => ({ path: `./${chunk.file}`, external: true }));
    }
  },
};

const COMMON = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  keepNames: true,
  sourcemap: false,
  logLevel: 'warning',
} as const;

async function main(): Promise<void> {
  const outFile = process.argv[2];
  if (!outFile) throw new Error('usage: node dist/scripts/bundle-task.js OUT_FILE');
  const results = await Promise.all([
    build({ ...COMMON, entryPoints: [ENTRY], outfile: outFile, plugins: [unusedNodeApiClients, lazyChunks] }),
    ...LAZY_CHUNKS.map((chunk) =>
      build({ ...COMMON, entryPoints: [chunk.entry], outfile: path.join(path.dirname(outFile), chunk.file) }),
    ),
  ]);
  const errors = results.reduce((n, r) => n + r.errors.length, 0);
  if (errors > 0) throw new Error(`esbuild reported ${errors} error(s)`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bundle-task: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
